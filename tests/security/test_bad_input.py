"""Bad input of every kind gets a clear 4xx or a form error, and nothing half-saved."""

import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.models import Submission
from quizzes.models import Answer, Attempt, Question

pytestmark = pytest.mark.django_db

NASTY_JSON = [
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",'
    ' "Resource": "*", "Condition": {"NumericLessThan": {"a": NaN}}}]}',
    '{"Statement": {"Effect": "Deny", "Effect": "Allow", "Action": "*",'
    ' "Resource": "*"}}',
    '{"Statement": "\\ud800"}',
    '{"Statement": "a\\u0000b"}',
    "[" * 100_000 + "]" * 100_000,
]


@pytest.fixture
def trainee(client, alice, bank):
    from exercises.interchange import check_exercises, exercises_import
    from tests.exercises.conftest import EXERCISES

    exercises_import(document=check_exercises(EXERCISES))
    client.force_login(alice)
    return client


@pytest.mark.parametrize("policy", NASTY_JSON)
def test_nasty_policies_are_graded_as_invalid_not_crashed(trainee, policy):
    url = reverse("exercises:check", args=["own-password"])
    response = trainee.post(url, {"policy": policy[:10_000]})
    assert response.status_code in {302, 422}
    if response.status_code == 302:
        result = Submission.objects.get().result
        assert result["valid"] is False
        assert result["problems"]


@pytest.mark.parametrize(
    "context",
    [
        '{"aws:SourceIp": NaN}',
        '{"k": 1, "k": 2}',
        '{"k": "\\u0000"}',
        '{"k": "\\ud800"}',
        "[" * 5000 + "]" * 5000,
        "not json",
        "[1, 2]",
    ],
)
def test_nasty_simulator_contexts_are_form_errors(trainee, context):
    response = trainee.post(
        reverse("exercises:simulate", args=["own-password"]),
        {"principal": "arn:aws:iam::123456789012:user/alice", "action": "iam:GetUser",
         "resource": "*", "context": context},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "text-danger" in response.content.decode() or "invalid" in (
        response.content.decode()
    )


def test_nul_characters_in_form_fields_are_refused(trainee, questions):
    from quizzes.models import Quiz

    attempt = Attempt.objects.create(
        quiz=Quiz.objects.get(slug="timed"), user=User.objects.get(username="alice"),
        number=1, question_ids=[questions["name-effect"].pk],
    )  # fmt: skip
    response = trainee.post(
        reverse("quizzes:question", args=[attempt.pk, 1]), {"text": "Eff\x00ect"}
    )
    assert response.status_code == 422
    assert "Null characters are not allowed" in response.content.decode()
    assert not Answer.objects.exists()
    response = trainee.post(
        reverse("exercises:check", args=["own-password"]), {"policy": "{\x00}"}
    )
    assert response.status_code == 422


def test_an_oversized_body_is_a_400(trainee):
    response = trainee.post(
        reverse("exercises:check", args=["own-password"]),
        {"policy": "x" * (7 * 1024 * 1024)},
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "quizzes:start", ["basics"]),
        ("get", "quizzes:submit", [1]),
        ("get", "exercises:check", ["own-password"]),
        ("put", "quizzes:list", []),
        ("delete", "exercises:exercise", ["own-password"]),
    ],
)
def test_wrong_methods_are_405(trainee, method, name, args):
    assert getattr(trainee, method)(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/attempts/999999/",
        "/attempts/999999/questions/1/",
        "/quizzes/no-such-quiz/",
        "/exercises/no-such-exercise/",
        "/workshops/999999/",
        "/services/nope/",
    ],
)
def test_unknown_ids_are_404(trainee, url):
    assert trainee.get(url).status_code == 404


def test_admin_json_fields_refuse_nasty_json(client, admin_user, bank):
    client.force_login(admin_user)
    question = Question.objects.get(slug="read-get-star")
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    form = client.get(url).context["adminform"].form
    data = {
        k: ("" if v is None else v)
        for k, v in form.initial.items()
        if not isinstance(v, list | dict)
    }
    data.update(
        {
            "topics": [],
            "sort_areas": [],
            "request_context": '{"k": "\\u0000"}',
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "NUL characters" in response.content.decode()
    question.refresh_from_db()
    assert question.request_context == {}


def test_an_oversized_policy_in_the_simulator_is_refused_with_the_limit(trainee):
    response = trainee.post(
        reverse("exercises:simulate", args=["own-password"]),
        {"policy": "{" + " " * 10_000 + "}",
         "principal": "arn:aws:iam::123456789012:user/alice", "action": "iam:GetUser",
         "resource": "*", "context": ""},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "the limit is 10,000" in html
    assert "Decision:" not in html


# Random data posted to every form a person fills in: never a 500.

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
)  # lone surrogates cannot be sent as form data at all
FIELDS = st.dictionaries(
    st.sampled_from(
        ["username", "password", "password1", "password2", "email", "code",
         "display_name", "policy", "principal", "action", "resource", "context",
         "choice", "choices", "value", "text", "effect", "allowed", "q",
         "category", "first", "second", "title", "date", "next"]
    ),
    TEXT,
    max_size=8,
)  # fmt: skip


def _form_endpoints(attempt_pk: int, workshop_pk: int) -> list[str]:
    return [
        reverse("accounts:sign_up"),
        reverse("accounts:login"),
        reverse("accounts:password_change"),
        reverse("quizzes:question", args=[attempt_pk, 1]),
        reverse("exercises:check", args=["own-password"]),
        reverse("exercises:simulate", args=["own-password"]),
        reverse("exercises:predict", args=["predict-s3"]),
        reverse("workshops:join"),
        reverse("workshops:create"),
        reverse("workshops:edit", args=[workshop_pk]),
        reverse("responsibility:services") + "?",
        reverse("responsibility:compare") + "?",
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=FIELDS, index=st.integers(min_value=0, max_value=11))
def test_random_form_data_never_causes_a_server_error(
    client, charlie, bank, data, index
):
    from exercises.interchange import check_exercises, exercises_import
    from exercises.models import Exercise
    from quizzes.models import Quiz
    from quizzes.services import attempt_start
    from tests.exercises.conftest import EXERCISES
    from workshops.services import workshop_create

    if not Exercise.objects.exists():
        exercises_import(document=check_exercises(EXERCISES))
    quiz = Quiz.objects.get(slug="timed")
    attempt = attempt_start(quiz=quiz, user=charlie)
    workshop = workshop_create(title="Fuzz", created_by=charlie, contents=[quiz])
    client.force_login(charlie)
    url = _form_endpoints(attempt.pk, workshop.pk)[index]
    if url.endswith("?"):
        response = client.get(url, data)
    else:
        response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code < 500, (url, json.dumps(data)[:300])
