from django.db import models
from django.utils import timezone


class RateLimit(models.Model):
    """
    Uses of something costly (a policy check, a simulation) counted per client
    key (a user, an address) in a fixed window. Kept in the database so every
    application server sees the same count; see accounts/throttle.py.
    """

    key = models.CharField(max_length=150, unique=True)
    hits = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} since {self.window_start:%H:%M:%S}"
