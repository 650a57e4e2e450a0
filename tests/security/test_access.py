"""Every page's access rule: anonymous visitors, and who may see whose things."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.groups import INSTRUCTORS
from exercises.interchange import check_exercises, exercises_import
from exercises.services import submission_create
from quizzes.models import Quiz
from quizzes.services import answer_save, attempt_start, attempt_submit
from tests.conftest import PASSWORD
from tests.exercises.conftest import EXERCISES, OWN_PASSWORD_REFERENCE
from workshops.resume import resume_token_make
from workshops.services import (
    guest_create,
    membership_join,
    workshop_create,
    workshop_open,
)

pytestmark = pytest.mark.django_db

# Pages anyone may read: the model, the guides, logging in and joining.
PUBLIC = {
    "home", "health", "responsibility:matrix", "responsibility:duty",
    "responsibility:category", "responsibility:services", "responsibility:service",
    "responsibility:compare", "responsibility:guides", "responsibility:guide",
    "accounts:login", "accounts:sign_up", "accounts:logout", "workshops:join",
    "workshops:resume", "accounts:password_reset", "accounts:password_reset_done",
    "accounts:password_reset_confirm", "accounts:password_reset_complete",
    "lti:jwks", "lti:config", "lti:canvas",
}  # fmt: skip
# What an LMS calls: without the parameters it sends, a clear 400 (tests/lti).
LTI_ENDPOINTS = {"lti:login", "lti:launch"}


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry.pattern


@pytest.fixture
def world(bank, alice, bob, charlie, admin_user):
    """Alice's attempt and submission; Charlie's workshop, which Alice joined;
    Erin, an instructor of another workshop."""
    exercises_import(document=check_exercises(EXERCISES))
    from exercises.models import Exercise

    exercise = Exercise.objects.get(slug="own-password")
    quiz = Quiz.objects.get(slug="basics")
    workshop = workshop_open(
        workshop=workshop_create(
            title="W1", created_by=charlie, contents=[quiz, exercise]
        )
    )
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_start(quiz=quiz, user=alice)
    question = attempt.question_ids[0]
    from quizzes.models import Question

    answer_save(
        attempt=attempt, question=Question.objects.get(pk=question), response={}
    )
    attempt_submit(attempt=attempt)
    submission = submission_create(
        exercise=exercise, user=alice, text=OWN_PASSWORD_REFERENCE
    )
    erin = User.objects.create_user("erin", password=PASSWORD)
    erin.groups.add(Group.objects.get_or_create(name=INSTRUCTORS)[0])
    other = workshop_create(title="W2", created_by=erin, contents=[quiz])
    return {
        "attempt": attempt,
        "submission": submission,
        "workshop": workshop,
        "other": other,
        "exercise": exercise,
        "erin": erin,
        "guest": guest_create(display_name="Gus"),
    }


def _args_for(pattern, world) -> list:
    values = {
        "slug": None,
        "pk": world["workshop"].pk,
        "position": 1,
        "token": resume_token_make(world["guest"]),
        "category_slug": "container",
        "area_slug": "guest-os",
        "uidb64": "MQ",
        # The practice account console's entities (labs/console_urls.py).
        "name": "bob",
        "kind": "s3-bucket",
        "ref": "aws/AmazonS3ReadOnlyAccess",
        "policy_name": "ReadReports",
        # A question image's digest (quizzes/images.py).
        "sha256": "0" * 64,
    }
    names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern))
    return [values[name] for name in names]


SLUGS = {
    "responsibility:category": "container",
    "responsibility:service": "ec2",
    "responsibility:guide": "root-user",
    "quizzes:quiz": "basics",
    "quizzes:start": "basics",
    "exercises:exercise": "own-password",
    "exercises:check": "own-password",
    "exercises:predict": "own-password",
    "exercises:simulate": "own-password",
    "exercises:hint": "own-password",
    "labs:lab": "any-lab",
    "labs:open": "any-lab",
    "labs:check": "any-lab",
    "labs:reset": "any-lab",
}


def _url(name, pattern, world) -> str:
    args = _args_for(pattern, world)
    if name.startswith("quizzes:") and "pk" in str(pattern):
        args = [world["attempt"].pk, *args[1:]]
    args = [SLUGS.get(name) if a is None else a for a in args]
    return reverse(name, args=args)


def test_every_page_that_is_not_public_needs_a_login(client, world):
    checked = 0
    for name, pattern in _named_patterns():
        if name in PUBLIC or name in LTI_ENDPOINTS:
            continue
        url = _url(name, pattern, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in {302, 403, 404, 405}, (method, url)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login")), url
        checked += 1
    assert checked >= 30


def test_public_pages_answer_anonymous_visitors(client, world):
    for name, pattern in _named_patterns():
        if name not in PUBLIC or name in {"accounts:logout", "workshops:resume"}:
            continue
        assert client.get(_url(name, pattern, world)).status_code == 200, name


OWNED = {
    "attempt review": lambda w: reverse("quizzes:review", args=[w["attempt"].pk]),
    "attempt page": lambda w: reverse("quizzes:attempt", args=[w["attempt"].pk]),
    "submission": lambda w: (
        reverse("exercises:exercise", args=["own-password"])
        + f"?restore={w['submission'].pk}"
    ),
    "dashboard": lambda w: reverse("workshops:dashboard", args=[w["workshop"].pk]),
    "live dashboard": lambda w: reverse(
        "workshops:dashboard_live", args=[w["workshop"].pk]
    ),
    "projector": lambda w: reverse("workshops:projector", args=[w["workshop"].pk]),
    "close confirmation": lambda w: reverse(
        "workshops:close_confirm", args=[w["workshop"].pk]
    ),
    "summary": lambda w: reverse("workshops:summary", args=[w["workshop"].pk]),
    "export": lambda w: reverse("workshops:export", args=[w["workshop"].pk]),
}

# Who may read each thing: alice owns the attempt and submission, charlie runs
# the workshop, erin runs another one, bob is another trainee, dana is staff.
ALLOWED = {
    "attempt review": {"alice", "dana"},
    "attempt page": {"alice", "dana"},
    "submission": {"alice"},
    "dashboard": {"charlie", "dana"},
    "live dashboard": {"charlie", "dana"},
    "projector": {"charlie", "dana"},
    "close confirmation": {"charlie", "dana"},
    "summary": {"charlie", "dana"},
    "export": {"charlie", "dana"},
}


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "erin", "dana"])
def test_ownership_matrix(client, world, who):
    client.force_login(User.objects.get(username=who))
    for thing, url_of in OWNED.items():
        response = client.get(url_of(world))
        if who in ALLOWED[thing]:
            assert response.status_code in {200, 302}, (who, thing)
            if response.status_code == 302:
                assert not response["Location"].startswith("/accounts/login"), thing
        else:
            assert response.status_code in {403, 404}, (
                who,
                thing,
                response.status_code,
            )


@pytest.mark.parametrize("who", ["bob", "erin"])
def test_others_cannot_change_a_workshop_or_an_attempt(client, world, who):
    client.force_login(User.objects.get(username=who))
    workshop = world["workshop"]
    for name in [
        "workshops:unlock_next",
        "workshops:unlock_all",
        "workshops:close",
        "workshops:reopen",
        "workshops:duplicate",
    ]:
        assert client.post(reverse(name, args=[workshop.pk])).status_code == 404
    workshop.refresh_from_db()
    assert workshop.is_open
    attempt = world["attempt"]
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
