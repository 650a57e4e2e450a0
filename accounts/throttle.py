"""Rate limits for costly requests, shared by every application server.

``rate_limit_hit`` counts one use under several keys at once (a user and the
address it comes from) in fixed windows, and refuses, counting nothing, when
any key has used up its allowance: the caller answers 429 with Retry-After.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateLimit


def client_address(request) -> str:
    """The client's address: behind a proxy (``DJANGO_WORKSHOP_CLIENT_IP_HEADER``
    names its header) the right-most one, which the proxy itself saw."""
    header = settings.WORKSHOP_CLIENT_IP_HEADER
    return request.META.get(header, "").split(",")[-1].strip() or "unknown"


def rate_limit_hit(
    limits: Sequence[tuple[str, int]], *, window: int, now: datetime | None = None
) -> int:
    """Counts one use under each ``(key, allowed per window)``; returns 0, or the
    seconds until the fullest key's window ends (then nothing is counted)."""
    now = now or timezone.now()
    span = timedelta(seconds=window)
    with transaction.atomic():
        rows = {
            row.key: row
            for row in RateLimit.objects.select_for_update().filter(
                key__in=[key for key, _ in limits]
            )
        }
        wait = 0.0
        for key, allowed in limits:
            row = rows.get(key)
            current = row is not None and now - row.window_start < span
            if current and row.hits >= allowed:
                left = (row.window_start + span - now).total_seconds()
                wait = max(wait, left)
        if wait:
            return max(1, math.ceil(wait))
        for key, _ in limits:
            row = rows.get(key)
            if row is None:
                RateLimit.objects.create(key=key, hits=1, window_start=now)
            elif now - row.window_start >= span:
                row.hits, row.window_start = 1, now
                row.save(update_fields=["hits", "window_start"])
            else:
                row.hits += 1
                row.save(update_fields=["hits"])
    return 0
