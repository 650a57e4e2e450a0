"""Join throttling: failed join codes counted per client key in a fixed window."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import JoinThrottle


def join_window_seconds() -> int:
    return settings.WORKSHOP_JOIN_WINDOW_SECONDS


def join_limits() -> dict[str, int]:
    """Failed codes allowed per window, by kind of client key."""
    return {
        "session": settings.WORKSHOP_JOIN_FAILURES_PER_SESSION,
        "ip": settings.WORKSHOP_JOIN_FAILURES_PER_IP,
    }


def join_limited(keys: list[str], *, now: datetime | None = None) -> bool:
    """Whether any of these client keys has used up its failed codes for now."""
    now = now or timezone.now()
    limits = join_limits()
    window = timedelta(seconds=join_window_seconds())
    for throttle in JoinThrottle.objects.filter(key__in=keys):
        limit = limits.get(throttle.key.split(":", 1)[0], 10)
        if throttle.failures >= limit and now - throttle.window_start < window:
            return True
    return False
