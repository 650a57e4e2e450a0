"""Every shipped exercise: its reference is correct, its wrong samples are caught."""

import json
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from exercises.grading import grade_policy, grade_prediction
from exercises.interchange import EXERCISES_DIR
from exercises.models import Exercise, ExerciseKind
from labs.models import Lab
from quizzes.models import Question, Quiz, Topic
from responsibility.models import Guide, ResponsibilityArea, Service, ServiceCategory
from tests.pathological import RED_TEAM_DENY, submissions

# Every shipped exercise file, as the loader reads them.
SHIPPED = [
    entry
    for path in sorted(EXERCISES_DIR.glob("*.yaml"))
    for entry in yaml.safe_load(path.read_text())["exercises"]
]
SAMPLES = [
    (entry["slug"], sample["label"], sample["policy"])
    for entry in SHIPPED
    for sample in entry.get("samples") or []
]


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
    yield
    with django_db_blocker.unblock():
        models = (Lab, Exercise, Quiz, Question, Topic, Guide, Service, ServiceCategory)
        for model in models:
            model.objects.all().delete()
        ResponsibilityArea.objects.all().delete()


def test_at_least_fifteen_exercises_of_every_kind(shipped, db):
    assert Exercise.objects.count() >= 15
    kinds = set(Exercise.objects.values_list("kind", flat=True))
    assert kinds == set(ExerciseKind.values)
    policy_kinds = set(Exercise.objects.values_list("policy_kind", flat=True))
    assert policy_kinds == {"identity", "resource", "boundary", "scp", "trust"}


@pytest.mark.parametrize("slug", [e["slug"] for e in SHIPPED])
def test_the_reference_solves_its_exercise(shipped, db, slug):
    exercise = Exercise.objects.get(slug=slug)
    if exercise.kind == ExerciseKind.PREDICT:
        from exercises.grading import build_request
        from iam import evaluate_policy, parse_policy

        policy = parse_policy(exercise.reference, kind=exercise.policy_kind)
        allowed = {
            t.pk
            for t in exercise.tests.all()
            if evaluate_policy(policy, build_request(t.as_request_dict())).allowed
        }
        assert grade_prediction(exercise, allowed).correct
    else:
        result = grade_policy(exercise, exercise.reference)
        assert result.correct, result


@pytest.mark.parametrize(("slug", "label", "policy"), SAMPLES)
def test_every_wrong_sample_is_caught_with_a_counterexample(
    shipped, db, slug, label, policy
):
    exercise = Exercise.objects.get(slug=slug)
    result = grade_policy(exercise, policy)
    assert result.valid
    assert not result.correct
    if "too broad" in label.lower():
        assert result.too_permissive, "an over-broad answer needs an example"
        assert result.too_permissive.sentence
    if "too strict" in label.lower():
        assert result.too_strict or any(not t.passed for t in result.tests)
    # Counterexamples are real: the trainee's decision is what the sentence says.
    for found in (result.too_permissive, result.too_strict):
        if found:
            assert found.request["action"]
            assert "Decision:" in found.explanation


def test_no_trainee_response_contains_a_reference(shipped, db, client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("reader")
    client.force_login(user)
    for exercise in Exercise.objects.exclude(kind=ExerciseKind.PREDICT):
        html = client.get(exercise.get_absolute_url()).content.decode()
        check = client.post(
            f"{exercise.get_absolute_url()}check/",
            {"policy": '{"Version": "2012-10-17", "Statement": []}'},
            headers={"HX-Request": "true"},
        ).content.decode()
        reference = exercise.reference.strip()
        assert reference not in html
        assert reference not in check


def test_a_wrong_policy_with_a_many_condition_deny_is_never_graded_correct(
    shipped, db, client
):
    """Issue 13, item 1: the reference plus a Deny whose seven conditions can all
    hold. The check finds the request it denies, and nothing is marked solved."""
    from django.contrib.auth.models import User

    from exercises.models import ExerciseProgress

    exercise = Exercise.objects.get(slug="read-one-bucket")
    document = json.loads(exercise.reference)
    document["Statement"].append(RED_TEAM_DENY)
    text = json.dumps(document, indent=2)
    result = grade_policy(exercise, text)
    assert not result.correct
    assert result.score < 1.0
    found = result.too_strict
    assert found is not None
    assert found.request["action"] == "s3:GetObject"
    assert "statement 3" in found.explanation
    (cause,) = {e.cause for e in result.too_strict_examples}
    assert cause.startswith("Statement 3, on line ")
    assert cause.endswith(" denies it.")
    user = User.objects.create_user("red-team")
    client.force_login(user)
    page = client.post(
        f"{exercise.get_absolute_url()}check/",
        {"policy": text},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "✔ Correct" not in page
    assert "Too strict" in page
    assert not ExerciseProgress.objects.filter(user=user, solved_at__isnull=False)


def test_every_pathological_submission_is_decided_exactly(shipped, db):
    """Issue 13, item 7: each is proved right or shown a verified counterexample
    (with the production request budget; the tests lift only the time limit)."""
    references = dict(Exercise.objects.values_list("slug", "reference"))
    verdicts = {}
    for slug, label, text in submissions(references.__getitem__):
        result = grade_policy(Exercise.objects.get(slug=slug), text)
        assert result.exhaustive, label
        verdicts[label] = result.correct
    assert verdicts == {
        "red team: a Deny whose six conditions can hold": False,
        "red team: a Deny that never applies": True,
        "six Deny statements of seven keys": False,
        "30 wildcard statements": False,
        "largest wildcard policy": False,
    }


def test_counterexamples_use_the_names_the_task_shows(shipped, db):
    """Issue 13, item 5: the scenario names `reports-123456789012-archive`."""
    exercise = Exercise.objects.get(slug="read-one-bucket")
    sample = next(
        s["policy"]
        for e in SHIPPED
        if e["slug"] == "read-one-bucket"
        for s in e["samples"]
        if "wildcard also matches" in s["label"]
    )
    result = grade_policy(exercise, sample)
    resources = {e.request["resource"] for e in result.too_permissive_examples}
    assert "arn:aws:s3:::reports-123456789012-archive" in resources
    assert not any("123456789012example" in r for r in resources)


@pytest.mark.parametrize(("slug", "label", "policy"), SAMPLES)
def test_every_counterexample_of_a_sample_replays_and_could_happen(
    shipped, db, slug, label, policy
):
    """Issue 13, items 4 and 6: each counterexample, rebuilt from its stored
    request, gets the claimed decisions; its action is in the catalog and its
    context has the keys AWS always sends."""
    from exercises.grading import build_request
    from iam import catalog, evaluate_policy, parse_policy
    from iam.values import always_sent

    exercise = Exercise.objects.get(slug=slug)
    result = grade_policy(exercise, policy)
    kind = exercise.policy_kind
    mine = parse_policy(policy, kind=kind)
    reference = parse_policy(exercise.reference, kind=kind)
    firsts = [e for e in result.examples if e.direction == "too permissive"][:1]
    firsts += [e for e in result.examples if e.direction == "too strict"][:1]
    assert [f.request for f in firsts] == [c.request for c in result.counterexamples]
    for example in result.examples:
        request = build_request(example.request)
        allows = example.direction == "too permissive"
        assert evaluate_policy(mine, request).allowed is allows
        assert evaluate_policy(reference, request).allowed is not allows
        assert catalog.canonical_action(request.action) == request.action
        assert set(always_sent(request.principal)) <= set(request.context)
        assert example.cause


AWS_HOSTS = {"docs.aws.amazon.com", "aws.amazon.com"}


def _aws_page(url: str) -> bool:
    """An https address on AWS's own documentation or site."""
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in AWS_HOSTS


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html", True),
        ("https://aws.amazon.com/compliance/shared-responsibility-model/", True),
        ("http://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html", False),
        ("https://docs.aws.amazon.com.example.com/IAM/", False),
        ("https://example.com/docs.aws.amazon.com/", False),
        ("https://repost.aws/knowledge-center/", False),
    ],
)
def test_an_aws_page_is_https_on_aws_own_hosts(url, expected):
    assert _aws_page(url) is expected


def test_every_shipped_item_cites_an_aws_page(shipped, db):
    """
    Issue 17: every guide, question, exercise and service placement cites the
    AWS page it follows, and that page is AWS's own.
    """
    for model in (Guide, Question, Exercise, Service):
        rows = list(model.objects.values_list("slug", "source"))
        assert rows, model._meta.verbose_name_plural
        missing = [slug for slug, source in rows if not source]
        assert not missing, f"{model._meta.verbose_name} without a source: {missing}"
        wrong = [(slug, source) for slug, source in rows if not _aws_page(source)]
        assert not wrong, f"{model._meta.verbose_name} sources not on AWS: {wrong}"


def test_cloudwatch_in_the_contractor_exercise_does_not_cover_logs(shipped, db):
    """Issue 17, correction 6: CloudWatch Logs has its own prefix, `logs:`."""
    exercise = Exercise.objects.get(slug="contractor-deny-all-except")
    assert "`logs:`" in exercise.scenario
    logs = exercise.tests.get(action__startswith="logs:")
    assert logs.expected == "ExplicitDeny"
    assert logs.visible


def test_a_trust_exercise_takes_a_real_trust_policy(shipped, db, client, alice):
    # IAM refuses a Resource element in a trust policy; the exercise does too,
    # and takes the policy as IAM would.
    exercise = Exercise.objects.get(slug="write-trust-one-build-role")
    assert exercise.policy_kind == "trust"
    assert '"Resource"' not in exercise.reference
    client.force_login(alice)
    check = reverse("exercises:check", args=[exercise.slug])
    page = reverse("exercises:exercise", args=[exercise.slug])
    client.post(check, {"policy": exercise.reference})
    assert "✔ Correct" in client.get(page).content.decode()
    with_resource = json.loads(exercise.reference)
    with_resource["Statement"][0]["Resource"] = "*"
    client.post(check, {"policy": json.dumps(with_resource)})
    html = client.get(page).content.decode()
    assert "Your policy is not valid yet" in html
    assert "Resource" in html
