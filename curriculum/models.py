"""
The curriculum's version: one token that changes whenever content changes.

Pages cache what they build from content (the matrix, questions, exercises) in
each server process, keyed by this token. Every process reads the token from the
shared database, so an edit made through one app server reaches the pages served
by all of them on their next request.
"""

from django.db import models


class CurriculumVersion(models.Model):
    """A single row whose token is replaced on every change to the curriculum."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "curriculum version"

    def __str__(self) -> str:
        return self.token
