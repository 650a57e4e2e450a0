"""Joining with a code: signed in, as a newcomer, again, elsewhere; rate limits."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import RateLimit
from workshops import throttling
from workshops.models import GuestProfile, Membership, Workshop, WorkshopNetwork
from workshops.resume import resume_token_make, resume_token_user
from workshops.services import workshop_close

pytestmark = pytest.mark.django_db

JOIN = reverse("workshops:join")


def _join(client, code, name=None, **extra):
    data = {"code": code}
    if name is not None:
        data["display_name"] = name
    return client.post(JOIN, data, **extra)


def _refuse_hashing(*args, **kwargs):
    raise AssertionError("the password hasher ran")


def test_the_join_page_takes_the_code_from_the_qr_link(client, workshop):
    page = client.get(JOIN + f"?code={workshop.code}").content.decode()
    assert f'value="{workshop.code}"' in page
    assert "Your name" in page


def test_join_without_slash_and_with_slash_both_work(client):
    assert client.get("/join").status_code == 200
    response = client.get("/join/?code=abc")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/join?code=abc"


def test_a_signed_in_trainee_joins_at_once_and_again_harmlessly(
    client, workshop, alice
):
    client.force_login(alice)
    page = client.get(JOIN).content.decode()
    assert "Your name" not in page
    typed = workshop.code.lower()[:3] + " - " + workshop.code.lower()[3:]
    response = _join(client, typed)
    assert response["Location"] == reverse("workshops:agenda", args=[workshop.pk])
    again = _join(client, workshop.code, follow=True)
    assert "You had already joined" in again.content.decode()
    assert Membership.objects.filter(user=alice).count() == 1


def test_a_newcomer_joins_with_a_name_and_no_password_hashing(client, workshop):
    with (
        mock.patch("django.contrib.auth.hashers.get_hasher", _refuse_hashing),
        mock.patch("django.contrib.auth.hashers.identify_hasher", _refuse_hashing),
    ):
        response = _join(client, workshop.code, "Erin Example", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Welcome, Erin Example" in page
    assert "Continue on another device" in page
    guest = GuestProfile.objects.get(display_name="Erin Example").user
    assert not guest.has_usable_password()
    assert Membership.objects.filter(workshop=workshop, user=guest).exists()
    assert int(client.session["_auth_user_id"]) == guest.pk


def test_a_newcomer_joining_writes_one_session_only(client, workshop):
    """No throwaway anonymous session is written before the real one."""
    with CaptureQueriesContext(connection) as queries:
        _join(client, workshop.code, "Erin Example")
    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "django_session"')
    ]
    assert len(inserts) == 1
    assert Session.objects.count() == 1


def test_a_guest_join_skips_the_login_bookkeeping_a_password_login_keeps(
    client, workshop, alice
):
    from axes.models import AccessLog

    from tests.conftest import PASSWORD

    with CaptureQueriesContext(connection) as queries:
        _join(client, workshop.code, "Erin Example")
    assert not any("axes_" in q["sql"] for q in queries)
    assert not AccessLog.objects.exists()
    # A password sign-in is still logged by django-axes.
    Client().post(
        reverse("accounts:login"), {"username": "alice", "password": PASSWORD}
    )
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["alice"]


def test_a_wrong_code_counts_against_the_browser_its_network_and_the_site(
    client, workshop
):
    _join(client, "WRONG1", "Erin")
    counted = set(RateLimit.objects.values_list("key", "hits"))
    session = client.session.session_key
    assert counted == {
        (f"join-fail:session:{session}", 1),
        ("join-fail:net:127.0.0.1", 1),
        ("join-fail:all", 1),
    }


def test_a_newcomer_must_give_a_name(client, workshop):
    response = _join(client, workshop.code, "   ")
    assert response.status_code == 422
    assert not User.objects.filter(guest_profile__isnull=False).exists()
    assert not RateLimit.objects.filter(key__startswith="join-fail").exists()


@pytest.mark.parametrize(
    ("state", "message"), [("draft", "has not opened yet"), ("closed", "is closed")]
)
def test_draft_and_closed_workshops_refuse_joins_with_a_reason(
    client, workshop, alice, state, message
):
    Workshop.objects.filter(pk=workshop.pk).update(state=state)
    response = _join(client, workshop.code, "Erin")
    assert response.status_code == 409
    assert message in response.content.decode()
    client.force_login(alice)
    assert message in _join(client, workshop.code).content.decode()
    assert not Membership.objects.exists()
    assert not GuestProfile.objects.exists()


def test_a_closed_workshops_code_still_says_closed(client, workshop):
    workshop_close(workshop=workshop)
    response = _join(client, workshop.code, "Erin")
    assert "is closed" in response.content.decode()


def test_an_unknown_code_says_so(client, workshop):
    wrong = "AAAAAA" if workshop.code != "AAAAAA" else "CCCCCC"
    response = _join(client, wrong, "Erin")
    assert response.status_code == 422
    assert "No workshop has this code" in response.content.decode()


def test_a_guest_continues_on_another_device_with_the_personal_link(workshop):
    phone = Client()
    _join(phone, workshop.code, "Erin")
    agenda = phone.get(reverse("workshops:agenda", args=[workshop.pk]))
    # Issue 14, item 8: the link signs in as this guest, so no cache may keep it.
    assert "private" in agenda["Cache-Control"]
    assert "no-store" in agenda["Cache-Control"]
    page = agenda.content.decode()
    guest = GuestProfile.objects.get().user
    # The token carries the second it was signed, so read it off the page
    # rather than signing a new one.
    prefix = reverse("workshops:resume", args=["TOKEN"]).removesuffix("TOKEN/")
    shown = re.search(re.escape(prefix) + r"([^/\"]+)/", page)
    assert shown, "the agenda shows no personal link"
    token = shown.group(1)
    assert resume_token_user(token) == guest
    link = reverse("workshops:resume", args=[token])

    laptop = Client()
    confirm = laptop.get(link)
    assert "Continue as <bdi>Erin</bdi>" in confirm.content.decode()
    assert "no-store" in confirm["Cache-Control"]
    assert "_auth_user_id" not in laptop.session  # a GET signs nobody in
    response = laptop.post(link)
    assert response["Location"] == reverse("workshops:agenda", args=[workshop.pk])
    assert int(laptop.session["_auth_user_id"]) == guest.pk
    assert Membership.objects.count() == 1


def test_a_forged_or_used_up_link_does_not_work(client, workshop):
    _join(client, workshop.code, "Erin")
    guest = GuestProfile.objects.get().user
    token = resume_token_make(guest)
    assert resume_token_user(token) == guest
    assert resume_token_user(token[:-2] + "xx") is None
    other = Client()
    assert other.post(reverse("workshops:resume", args=["nonsense"])).status_code == 404
    guest.set_password("a long enough passphrase")
    guest.save()
    assert resume_token_user(token) is None
    assert other.post(reverse("workshops:resume", args=[token])).status_code == 404


def test_resume_links_expire(client, workshop):
    _join(client, workshop.code, "Erin")
    token = resume_token_make(GuestProfile.objects.get().user)
    assert resume_token_user(token, max_age=-1) is None


def test_a_guest_sets_a_password_to_keep_their_results(client, workshop):
    _join(client, workshop.code, "Erin")
    guest = GuestProfile.objects.get().user
    page = client.get(reverse("workshops:password")).content.decode()
    assert guest.username in page
    password = "a long enough passphrase"
    response = client.post(
        reverse("workshops:password"),
        {"new_password1": password, "new_password2": password},
    )
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.check_password(password)
    # Still signed in after the password changed.
    agenda = client.get(reverse("workshops:agenda", args=[workshop.pk]))
    assert agenda.status_code == 200
    assert "Continue on another device" not in agenda.content.decode()


def test_users_with_a_password_change_it_on_the_usual_page(client, alice):
    client.force_login(alice)
    response = client.get(reverse("workshops:password"))
    assert response["Location"] == reverse("accounts:password_change")


# --- rate limiting ---------------------------------------------------------------


def _wrong_code(workshop) -> str:
    return "AAAAAA" if workshop.code != "AAAAAA" else "CCCCCC"


def test_too_many_wrong_codes_from_one_session_get_429(client, workshop, settings):
    settings.WORKSHOP_JOIN_FAILURES_PER_SESSION = 3
    for _ in range(3):
        assert _join(client, _wrong_code(workshop), "Eve").status_code == 422
    response = _join(client, workshop.code, "Eve")
    assert response.status_code == 429
    assert "Too many wrong codes from this browser" in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 600
    assert not GuestProfile.objects.exists()  # even the right code waits

    # Someone else, even on the same network, is not slowed down.
    assert _join(Client(), workshop.code, "Frank").status_code == 302


def _exhaust_network(workshop, settings, count=4, address="127.0.0.1"):
    """Wrong codes from fresh browsers (no cookies kept), as an attacker sends."""
    settings.WORKSHOP_JOIN_FAILURES_PER_ADDRESS = count
    for _ in range(count):
        wrong = _join(Client(REMOTE_ADDR=address), _wrong_code(workshop), "Eve")
        assert wrong.status_code == 422


def test_a_network_past_its_allowance_learns_nothing_from_a_guess(workshop, settings):
    """Issue 14, item 3: past the network's allowance, a right code of a
    workshop no one on this network joined gets the same 429 as a wrong one."""
    _exhaust_network(workshop, settings)
    wrong = _join(Client(), _wrong_code(workshop), "Eve")
    right = _join(Client(), workshop.code, "Eve")
    assert wrong.status_code == right.status_code == 429
    assert "from this network today" in right.content.decode()
    assert wrong.content.decode().count("Too many") == 1
    assert int(right["Retry-After"]) > 600  # the network's window is a day
    assert not GuestProfile.objects.exists()
    # Another network is not held up.
    assert (
        _join(Client(REMOTE_ADDR="10.0.0.9"), workshop.code, "Frank").status_code == 302
    )


def test_one_client_behind_the_rooms_nat_cannot_lock_the_room_out(
    workshop, charlie, settings
):
    """Issue 14, item 3: thirty wrong codes from fresh sessions used to give
    the next person with the right code 429 for 10 minutes. A workshop its
    instructor opened from this network, or that someone joined from it,
    still takes its own code here."""
    teacher = Client()
    teacher.force_login(charlie)
    teacher.get(reverse("workshops:dashboard", args=[workshop.pk]))
    _exhaust_network(workshop, settings, count=30)
    assert _join(Client(), workshop.code, "Grace").status_code == 302
    assert _join(Client(), workshop.code, "Heidi").status_code == 302
    assert GuestProfile.objects.count() == 2


def test_a_network_where_someone_joined_keeps_taking_that_code(workshop, settings):
    assert _join(Client(), workshop.code, "Grace").status_code == 302
    _exhaust_network(workshop, settings)
    assert _join(Client(), workshop.code, "Heidi").status_code == 302
    other = Workshop.objects.create(title="Other", state="open")
    assert _join(Client(), other.code, "Heidi").status_code == 429


def test_the_sites_allowance_bounds_guessing_from_many_networks(workshop, settings):
    settings.WORKSHOP_JOIN_FAILURES_PER_DAY = 5
    for number in range(5):
        client = Client(REMOTE_ADDR=f"10.9.0.{number}")
        assert _join(client, _wrong_code(workshop), "Eve").status_code == 422
    assert _join(Client(REMOTE_ADDR="10.9.1.1"), workshop.code, "Eve").status_code == (
        429
    )


def test_the_join_link_works_past_every_wrong_code_limit(workshop, settings):
    settings.WORKSHOP_JOIN_FAILURES_PER_SESSION = 2
    settings.WORKSHOP_JOIN_FAILURES_PER_DAY = 2
    browser = Client()
    for _ in range(2):
        _join(browser, _wrong_code(workshop), "Eve")
    link = f"{JOIN}?code={workshop.code}&key={throttling.link_key(workshop)}"
    page = browser.get(link).content.decode()
    assert f'value="{throttling.link_key(workshop)}"' in page  # carried in the form
    data = {"code": workshop.code, "key": throttling.link_key(workshop)}
    assert browser.post(JOIN, {**data, "display_name": "Ivan"}).status_code == 302
    # A forged or stale key is only a typed code: from a network where no one
    # joined, past the site's allowance, it is refused.
    forged = {**data, "key": "x" * 27, "display_name": "Judy"}
    assert Client(REMOTE_ADDR="10.0.0.9").post(JOIN, forged).status_code == 429


def test_the_join_link_of_a_closed_workshop_does_not_open_its_codes_successor(
    workshop,
):
    old_key = throttling.link_key(workshop)
    workshop_close(workshop=workshop)
    successor = Workshop.objects.create(title="Next", code=workshop.code, state="open")
    assert not throttling.link_key_valid(successor, old_key)
    assert throttling.link_key_valid(successor, throttling.link_key(successor))


def test_the_dashboard_and_projector_show_the_signed_join_link(
    client, workshop, charlie
):
    client.force_login(charlie)
    key = throttling.link_key(workshop)
    for name in ("workshops:dashboard", "workshops:projector"):
        response = client.get(reverse(name, args=[workshop.pk]))
        # The link shown, and the one the projector's QR code encodes.
        assert response.context["join_url"].endswith(
            f"/join?code={workshop.code}&key={key}"
        )
    dashboard = client.get(reverse("workshops:dashboard", args=[workshop.pk]))
    assert f"code={workshop.code}&amp;key={key}" in dashboard.content.decode()


def test_the_limit_ends_with_its_window(client, workshop, settings):
    settings.WORKSHOP_JOIN_FAILURES_PER_SESSION = 2
    for _ in range(2):
        _join(client, _wrong_code(workshop), "Eve")
    assert _join(client, workshop.code, "Eve").status_code == 429
    RateLimit.objects.update(window_start=timezone.now() - timedelta(minutes=11))
    assert _join(client, workshop.code, "Eve").status_code == 302


def test_closing_a_workshop_forgets_its_networks(client, workshop):
    assert _join(client, workshop.code, "Grace").status_code == 302
    assert WorkshopNetwork.objects.filter(workshop=workshop).count() == 1
    workshop_close(workshop=workshop)
    assert not WorkshopNetwork.objects.exists()


def test_networks_are_stored_as_keyed_hashes_not_addresses(workshop):
    _join(Client(REMOTE_ADDR="198.51.100.7"), workshop.code, "Grace")
    stored = WorkshopNetwork.objects.get().network
    assert "198.51" not in stored and len(stored) >= 40


def test_ipv6_clients_are_counted_by_their_64_network(workshop, settings):
    settings.WORKSHOP_JOIN_FAILURES_PER_ADDRESS = 2
    for host in ("1", "2"):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{host}")
        assert _join(client, _wrong_code(workshop), "Eve").status_code == 422
    same_64 = Client(REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert _join(same_64, workshop.code, "Eve").status_code == 429
    other_64 = Client(REMOTE_ADDR="2001:db8:1:3::1")
    assert _join(other_64, workshop.code, "Eve").status_code == 302


# --- caps on successful joins -----------------------------------------------------


def test_one_network_cannot_flood_a_workshop_with_guests(workshop, settings):
    """Issue 14, item 3: 300 joins from one address without cookies created
    300 guests in 7 seconds."""
    settings.WORKSHOP_GUESTS_PER_ADDRESS = 5
    for number in range(5):
        assert _join(Client(), workshop.code, f"Bot {number}").status_code == 302
    refused = _join(Client(), workshop.code, "Bot 6")
    assert refused.status_code == 429
    assert "Too many people have just joined" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert GuestProfile.objects.count() == 5
    assert _join(Client(REMOTE_ADDR="10.0.0.9"), workshop.code, "Kim").status_code == (
        302
    )


def test_the_instructor_lets_the_room_in_past_a_flood_from_its_network(
    workshop, charlie, settings
):
    """One client behind the room's NAT uses the network's guest allowance;
    the dashboard says joins are being refused, and the instructor lifts the
    cap for the room's networks."""
    settings.WORKSHOP_GUESTS_PER_ADDRESS = 3
    teacher = Client()
    teacher.force_login(charlie)
    dashboard = reverse("workshops:dashboard", args=[workshop.pk])
    teacher.get(dashboard)  # the instructor is on the room's network
    for number in range(3):
        _join(Client(), workshop.code, f"Bot {number}")
    assert _join(Client(), workshop.code, "Grace").status_code == 429
    assert _join(Client(), workshop.code, "Heidi").status_code == 429
    page = teacher.get(dashboard).content.decode()
    assert "2 joins refused in the last 10 minutes" in page
    response = teacher.post(reverse("workshops:joins_allow", args=[workshop.pk]))
    assert response.status_code == 302
    assert _join(Client(), workshop.code, "Grace").status_code == 302
    assert "joins refused" not in teacher.get(dashboard).content.decode()
    # Only the workshop's instructors may do it.
    other = Client()
    other.force_login(User.objects.create_user("mallory", password="x" * 12))
    forbidden = other.post(reverse("workshops:joins_allow", args=[workshop.pk]))
    assert forbidden.status_code == 404


def test_a_workshop_takes_so_many_newcomers_a_minute(workshop, settings, alice):
    settings.WORKSHOP_JOINS_PER_MINUTE = 3
    for number in range(3):
        client = Client(REMOTE_ADDR=f"10.0.1.{number}")
        assert _join(client, workshop.code, f"Trainee {number}").status_code == 302
    signed_in = Client(REMOTE_ADDR="10.0.2.1")
    signed_in.force_login(alice)
    refused = _join(signed_in, workshop.code)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    other = Workshop.objects.create(title="Other", state="open")
    assert _join(signed_in, other.code).status_code == 302


def test_members_coming_back_are_not_counted_against_the_caps(
    client, workshop, settings, alice
):
    settings.WORKSHOP_JOINS_PER_MINUTE = 1
    client.force_login(alice)
    assert _join(client, workshop.code).status_code == 302
    for _ in range(3):
        assert _join(client, workshop.code).status_code == 302


def test_limit_counters_that_have_expired_are_pruned(db):
    from accounts.throttle import rate_limits_prune

    old = timezone.now() - timedelta(days=2)
    RateLimit.objects.create(key="join-fail:net:10.0.0.1", hits=3, window_start=old)
    RateLimit.objects.create(key="join-fail:net:10.0.0.2", hits=3)
    assert rate_limits_prune(older_than=timedelta(days=1)) == 1
    assert list(RateLimit.objects.values_list("key", flat=True)) == [
        "join-fail:net:10.0.0.2"
    ]


def test_malformed_codes_count_as_failures(client, workshop, settings):
    settings.WORKSHOP_JOIN_FAILURES_PER_SESSION = 2
    _join(client, "AB", "Eve")
    _join(client, "ABCDEFGH", "Eve")
    assert _join(client, workshop.code, "Eve").status_code == 429


def test_a_name_cannot_turn_the_page_around(workshop, charlie):
    """Issue 14, item 6: a right-to-left override in a display name reversed
    the app's own "(guest)" marker on the dashboard. Bidirectional controls are
    dropped from names, and names already stored are isolated where shown."""
    from workshops.services import guest_create

    _join(Client(), workshop.code, "Mallory\u202e\u2066 tseug")
    profile = GuestProfile.objects.get()
    assert profile.display_name == "Mallory tseug"
    assert profile.user.first_name == "Mallory tseug"
    stored = guest_create(display_name="x")  # a row from before: control kept
    stored.guest_profile.display_name = stored.first_name = "Eve\u202e"
    stored.guest_profile.save()
    stored.save()
    Membership.objects.create(workshop=workshop, user=stored)
    client = Client()
    client.force_login(charlie)
    page = client.get(reverse("workshops:dashboard", args=[workshop.pk]))
    html = page.content.decode()
    assert "<bdi>Mallory tseug</bdi>" in html
    assert "<bdi>Eve\u202e</bdi>" in html  # the override ends with its <bdi>
    assert "\u202e" not in html.replace("<bdi>Eve\u202e</bdi>", "")


def test_a_name_made_only_of_controls_is_refused(client, workshop):
    response = _join(client, workshop.code, "\u202e\u2066\u200f")
    assert response.status_code == 422
    assert "Give the name to show to your instructor." in response.content.decode()
    assert not GuestProfile.objects.exists()


def test_an_instructor_locks_joining_and_members_keep_their_place(
    client, workshop, charlie, alice
):
    """Issue 14, item 3 (in part): no one new joins a locked workshop."""
    from workshops.services import membership_join

    membership_join(workshop=workshop, user=alice)
    teacher = Client()
    teacher.force_login(charlie)
    lock = reverse("workshops:joining", args=[workshop.pk])
    page = teacher.post(lock, {"locked": "1"}, follow=True).content.decode()
    assert "Joining is locked" in page
    refused = _join(client, workshop.code, "Newcomer")
    assert refused.status_code == 409
    assert "takes no new participants now" in refused.content.decode()
    assert not GuestProfile.objects.exists()
    member = Client()
    member.force_login(alice)
    again = member.post(reverse("workshops:join"), {"code": workshop.code})
    assert again.status_code == 302  # a member comes back in
    teacher.post(lock, {"locked": "0"})
    assert _join(Client(), workshop.code, "Newcomer").status_code == 302


def test_an_instructor_removes_a_participant(client, workshop, charlie):
    _join(client, workshop.code, "Mallory")
    guest = GuestProfile.objects.get().user
    teacher = Client()
    teacher.force_login(charlie)
    remove = reverse("workshops:participant_remove", args=[workshop.pk])
    dashboard = reverse("workshops:dashboard", args=[workshop.pk])
    assert "Remove a participant" in teacher.get(dashboard).content.decode()
    page = teacher.post(remove, {"user": str(guest.pk)}, follow=True)
    assert "Mallory is no longer in this workshop." in page.content.decode()
    assert not Membership.objects.filter(user=guest).exists()
    agenda = client.get(reverse("workshops:agenda", args=[workshop.pk]))
    assert agenda.status_code == 404
    for bad in ("", "abc", "999999", str(guest.pk)):
        page = teacher.post(remove, {"user": bad}, follow=True)
        assert "That person is not in this workshop." in page.content.decode()


def test_only_the_workshops_instructors_may_lock_or_remove(client, workshop, alice):
    client.force_login(alice)
    for name, data in (
        ("joining", {"locked": "1"}),
        ("participant_remove", {"user": "1"}),
    ):
        response = client.post(reverse(f"workshops:{name}", args=[workshop.pk]), data)
        assert response.status_code in (403, 404)
    workshop.refresh_from_db()
    assert not workshop.joining_locked
