"""
Join limits. Two dangers pull against each other: guessing an open workshop's
code, and one client locking a whole room out (a classroom shares one address
behind its NAT). So:

- Wrong codes are counted per browser session (a short window), per network
  (a day) and for the whole site (a day). A session over its allowance waits.
  A network, or the site, over its allowance does not stop the room: a code is
  then still accepted for a workshop that someone joined from this network, or
  whose instructor opened it from here (``WorkshopNetwork``). Any other code,
  right or wrong, gets the same 429, so guesses past the allowance learn
  nothing, and the allowance bounds guessing (README, "Join limits").
- The join link and QR code the instructor shows carry a signature of the
  workshop and its code: they work past every wrong-code limit, since no one
  can make one without the code and the server's secret.
- Successful joins are capped too: new guest accounts per network, and new
  participants per workshop a minute. The dashboard says how many joins the
  caps refused, and the instructor can lift the guest cap of the room's
  networks, so one client behind the room's NAT cannot hold the others out.
"""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.throttle import (
    Limit,
    client_address,
    rate_limit_count,
    rate_limit_uses,
    rate_limit_wait,
    rate_limits_clear,
)

from .models import Workshop, WorkshopNetwork

DAY = 24 * 60 * 60
_LINK_SALT = "workshops.join-link"


def _session_limit(session_key: str) -> Limit:
    return Limit(
        f"join-fail:session:{session_key}",
        settings.WORKSHOP_JOIN_FAILURES_PER_SESSION,
        settings.WORKSHOP_JOIN_WINDOW_SECONDS,
    )


def _shared_limits(network: str) -> list[Limit]:
    """The allowances a browser shares with others: its network's, the site's."""
    return [
        Limit(
            f"join-fail:net:{network}", settings.WORKSHOP_JOIN_FAILURES_PER_ADDRESS, DAY
        ),
        Limit("join-fail:all", settings.WORKSHOP_JOIN_FAILURES_PER_DAY, DAY),
    ]


def session_wait(request) -> int:
    """Seconds this browser must wait after too many wrong codes, or 0."""
    key = request.session.session_key
    return rate_limit_wait([_session_limit(key)]) if key else 0


def shared_wait(request) -> int:
    """Seconds until this network, and the site, may type any code again, or 0."""
    return rate_limit_wait(_shared_limits(client_address(request)))


def failure_record(request) -> None:
    """Counts one wrong code for this browser, its network and the site. A
    browser without a session has none yet: one is started to count it (a
    join that succeeds does not write a throwaway anonymous session first)."""
    if not request.session.session_key:
        request.session.save()
    limits = _shared_limits(client_address(request))
    rate_limit_count([_session_limit(request.session.session_key), *limits])


def _guests_key(network_hash: str) -> str:
    return f"join:guests:{network_hash}"


def join_limits(request, workshop: Workshop, *, new_account: bool) -> list[Limit]:
    """The caps on successful joins a new participant counts against: the
    workshop's a minute, and for a new guest account its network's."""
    limits = [
        Limit(f"join:workshop:{workshop.pk}", settings.WORKSHOP_JOINS_PER_MINUTE, 60)
    ]
    if new_account:
        limits.append(
            Limit(
                _guests_key(_network_hash(request)),
                settings.WORKSHOP_GUESTS_PER_ADDRESS,
                settings.WORKSHOP_JOIN_WINDOW_SECONDS,
            )
        )
    return limits


def _refused_limit(workshop: Workshop) -> Limit:
    return Limit(
        f"join:refused:{workshop.pk}", 0, settings.WORKSHOP_JOIN_WINDOW_SECONDS
    )


def join_refused_record(workshop: Workshop) -> None:
    """Counts a join a cap refused, for the instructor's dashboard."""
    rate_limit_count([_refused_limit(workshop)])


def joins_refused(workshop: Workshop) -> int:
    """Joins the caps refused in the current window (0 when none)."""
    return rate_limit_uses(_refused_limit(workshop))


def guest_caps_lift(workshop: Workshop) -> None:
    """Lets the room in again: clears the guest caps of the networks the
    workshop knows (the instructor's, and those people joined from) and the
    count of refused joins. One client behind the room's NAT that used the
    network's allowance then no longer holds the others out."""
    networks = workshop.networks.values_list("network", flat=True)
    keys = [_guests_key(network) for network in networks]
    rate_limits_clear([*keys, _refused_limit(workshop).key])


# --- networks a workshop knows ------------------------------------------------------


def _network_hash(request) -> str:
    return salted_hmac(
        "workshops.network", client_address(request), algorithm="sha256"
    ).hexdigest()


def network_note(request, workshop: Workshop) -> None:
    """Remembers that this request's network is one the workshop's room uses."""
    network = _network_hash(request)
    if WorkshopNetwork.objects.filter(workshop=workshop, network=network).exists():
        return
    try:
        with transaction.atomic():
            WorkshopNetwork.objects.create(workshop=workshop, network=network)
    except IntegrityError:
        pass  # another request from the same network noted it meanwhile


def network_known(request, workshop: Workshop) -> bool:
    return WorkshopNetwork.objects.filter(
        workshop=workshop, network=_network_hash(request)
    ).exists()


# --- the instructor's join link -----------------------------------------------------


def link_key(workshop: Workshop) -> str:
    """The signature the join link carries: of this workshop and its code, so
    the link of a closed workshop never opens a later one with the same code."""
    return signing.Signer(salt=_LINK_SALT).signature(f"{workshop.pk}:{workshop.code}")


def link_key_valid(workshop: Workshop, key: str) -> bool:
    return bool(key) and constant_time_compare(link_key(workshop), key)
