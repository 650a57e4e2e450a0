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


def _locked(keys: list[str]) -> dict[str, RateLimit]:
    """The rows of ``keys`` that exist, locked until the transaction ends (in
    one order, so two requests never wait for each other's rows)."""
    found = RateLimit.objects.select_for_update().filter(key__in=keys).order_by("key")
    return {row.key: row for row in found}


def _wait(
    limits: Sequence[tuple[str, int]],
    rows: dict[str, RateLimit],
    now: datetime,
    span: timedelta,
) -> int:
    """Seconds until the fullest key's window ends, or 0 when all have room."""
    wait = 0.0
    for key, allowed in limits:
        row = rows.get(key)
        current = row is not None and now - row.window_start < span
        if current and row.hits >= allowed:
            wait = max(wait, (row.window_start + span - now).total_seconds())
    return max(1, math.ceil(wait)) if wait else 0


def rate_limit_hit(
    limits: Sequence[tuple[str, int]], *, window: int, now: datetime | None = None
) -> int:
    """Counts one use under each ``(key, allowed per window)``; returns 0, or the
    seconds until the fullest key's window ends (then nothing is counted)."""
    now = now or timezone.now()
    span = timedelta(seconds=window)
    keys = [key for key, _ in limits]
    # Refusing needs no lock: within a window a count only grows. Only a use
    # that may be allowed takes the rows' locks (on SQLite, the write lock).
    seen = {row.key: row for row in RateLimit.objects.filter(key__in=keys)}
    wait = _wait(limits, seen, now, span)
    if wait:
        return wait
    with transaction.atomic():
        rows = _locked(keys)
        if len(rows) < len(set(keys)):
            # First use of a key: insert it, letting a concurrent request's
            # insert win (ON CONFLICT DO NOTHING), then lock every row.
            RateLimit.objects.bulk_create(
                [RateLimit(key=key, hits=0, window_start=now) for key in keys
                 if key not in rows],
                ignore_conflicts=True,
            )  # fmt: skip
            rows = _locked(keys)
        wait = _wait(limits, rows, now, span)
        if wait:
            return wait
        for key, _ in limits:
            row = rows[key]
            if now - row.window_start >= span:
                row.hits, row.window_start = 1, now
                row.save(update_fields=["hits", "window_start"])
            else:
                row.hits += 1
                row.save(update_fields=["hits"])
    return 0
