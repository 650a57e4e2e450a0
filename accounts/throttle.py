"""Rate limits shared by every application server, counted in the database.

A ``Limit`` is a key (a user, an address, a workshop), how many uses it is
allowed, and the length of its fixed window. ``rate_limit_hit`` counts one use
under several limits at once and refuses, counting nothing, when any of them is
used up; the caller answers 429 with Retry-After. Where a use is only known to
count after the fact (a wrong join code), ``rate_limit_wait`` asks first and
``rate_limit_count`` counts afterwards.
"""

import ipaddress
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateLimit


class Limit(NamedTuple):
    key: str
    allowed: int
    window: int  # seconds


def client_address(request) -> str:
    """
    The client's address: behind a proxy (``DJANGO_WORKSHOP_CLIENT_IP_HEADER``
    names its header) the right-most one, which the proxy itself saw. An IPv6
    client is counted by its /64 network, which one subscriber gets whole: its
    2**64 addresses would otherwise be as many fresh allowances.
    """
    header = settings.WORKSHOP_CLIENT_IP_HEADER
    raw = request.META.get(header, "").split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:60] or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _locked(keys: list[str]) -> dict[str, RateLimit]:
    """The rows of ``keys`` that exist, locked until the transaction ends, in
    key order."""
    found = RateLimit.objects.select_for_update().filter(key__in=keys).order_by("key")
    return {row.key: row for row in found}


def _current(row: RateLimit | None, limit: Limit, now: datetime) -> bool:
    return row is not None and now - row.window_start < timedelta(seconds=limit.window)


def _wait(limits: Sequence[Limit], rows: dict[str, RateLimit], now: datetime) -> int:
    """Seconds until the fullest key's window ends, or 0 when all have room."""
    wait = 0.0
    for limit in limits:
        row = rows.get(limit.key)
        if _current(row, limit, now) and row.hits >= limit.allowed:
            end = row.window_start + timedelta(seconds=limit.window)
            wait = max(wait, (end - now).total_seconds())
    return max(1, math.ceil(wait)) if wait else 0


def rate_limit_wait(limits: Sequence[Limit], *, now: datetime | None = None) -> int:
    """0 when every limit has room, else the seconds until the fullest one's
    window ends. Counts nothing."""
    return _wait(limits, _existing(limits), now or timezone.now())


def _count(limits: Sequence[Limit], rows: dict[str, RateLimit], now: datetime) -> None:
    for limit in limits:
        row = rows[limit.key]
        if _current(row, limit, now):
            row.hits += 1
            row.save(update_fields=["hits"])
        else:
            row.hits, row.window_start = 1, now
            row.save(update_fields=["hits", "window_start"])


def _insert_missing(keys: Sequence[str], present: Iterable[str], now: datetime) -> None:
    """Inserts the keys not in the table yet, in key order and committed at
    once, before any row is locked.

    Inserting inside the locking transaction could deadlock on PostgreSQL
    (found by make loadtest, ten guests joining from one address): a request
    that did not see a key yet locked the other key first, then waited for the
    first key, which a second request had meanwhile seen and locked, and which
    waited for the other key in turn. With every key present before the
    transaction, every request locks the same rows in the same order.
    """
    missing = sorted(set(keys) - set(present))
    if missing:
        RateLimit.objects.bulk_create(
            [RateLimit(key=key, hits=0, window_start=now) for key in missing],
            ignore_conflicts=True,  # a concurrent request's insert wins
        )


def _rows_locked(keys: list[str], now: datetime) -> dict[str, RateLimit]:
    """Every key's row, locked until the transaction ends."""
    rows = _locked(keys)
    if len(rows) < len(set(keys)):
        # Pruned since _insert_missing (rare): insert it here after all.
        _insert_missing(keys, rows, now)
        rows = _locked(keys)
    return rows


def _existing(limits: Sequence[Limit]) -> dict[str, RateLimit]:
    found = RateLimit.objects.filter(key__in=[limit.key for limit in limits])
    return {row.key: row for row in found}


def rate_limit_count(limits: Sequence[Limit], *, now: datetime | None = None) -> None:
    """Counts one use under every limit, whether or not it has room."""
    now = now or timezone.now()
    keys = [limit.key for limit in limits]
    _insert_missing(keys, _existing(limits), now)
    with transaction.atomic():
        _count(limits, _rows_locked(keys, now), now)


def rate_limit_hit(limits: Sequence[Limit], *, now: datetime | None = None) -> int:
    """Counts one use under every limit; returns 0, or the seconds until the
    fullest one's window ends (then nothing is counted)."""
    now = now or timezone.now()
    # Refusing needs no lock: within a window a count only grows. Only a use
    # that may be allowed takes the rows' locks (on SQLite, the write lock).
    seen = _existing(limits)
    wait = _wait(limits, seen, now)
    if wait:
        return wait
    keys = [limit.key for limit in limits]
    _insert_missing(keys, seen, now)
    with transaction.atomic():
        rows = _rows_locked(keys, now)
        wait = _wait(limits, rows, now)
        if not wait:
            _count(limits, rows, now)
    return wait


def rate_limit_uses(limit: Limit, *, now: datetime | None = None) -> int:
    """How many uses the limit's key has counted in its current window."""
    row = _existing([limit]).get(limit.key)
    return row.hits if _current(row, limit, now or timezone.now()) else 0


def rate_limits_clear(keys: Iterable[str]) -> None:
    """Starts these keys afresh, as if never used."""
    RateLimit.objects.filter(key__in=list(keys)).delete()


def rate_limits_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Deletes counters whose window began more than ``older_than`` ago (pass
    the longest window in use); returns how many."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = RateLimit.objects.filter(window_start__lt=cutoff).delete()
    return deleted
