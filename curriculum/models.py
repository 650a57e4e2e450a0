"""
What every content app shares: topics, slugged models, difficulty levels, and the
curriculum's version, one token that changes whenever content changes.

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


class SlugManager(models.Manager):
    """Look rows up by slug, their natural key in fixtures and content files."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class SluggedModel(models.Model):
    """A row with a unique slug that serves as its natural key."""

    slug = models.SlugField(unique=True, max_length=80)

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Difficulty(models.IntegerChoices):
    """How hard a question or an exercise is."""

    EASY = 1, "Easy"
    MEDIUM = 2, "Medium"
    HARD = 3, "Hard"


class Topic(SluggedModel):
    """
    What a question or an exercise is about: a service category, an area or an
    IAM concept. Where to study it (a guide, a category, a matrix row) is kept by
    the responsibility app, which owns those pages.
    """

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        # Created by quizzes, which owned topics first; the table kept its name.
        db_table = "quizzes_topic"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
