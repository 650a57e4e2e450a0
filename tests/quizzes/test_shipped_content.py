"""The shipped question bank covers the seed and every question type."""

import pytest
from django.core.management import call_command

from exercises.models import Exercise
from labs.models import Lab
from quizzes.grading import grade, policy_decision, sort_items
from quizzes.models import Question, QuestionType, Quiz, Topic
from responsibility.models import Guide, ResponsibilityArea, Service, ServiceCategory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    """The shipped curriculum, loaded once for this module and removed after it."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
    yield
    with django_db_blocker.unblock():
        models = (Lab, Exercise, Quiz, Question, Topic, Guide, Service, ServiceCategory)
        for model in models:
            model.objects.all().delete()
        ResponsibilityArea.objects.all().delete()


def test_at_least_sixty_questions_of_every_type(shipped, db):
    assert Question.objects.count() >= 60
    types = set(Question.objects.values_list("type", flat=True))
    assert types == set(QuestionType.values)
    assert not Question.objects.filter(explanation="").exists()


def test_at_least_three_quizzes_including_the_required_ones(shipped, db):
    slugs = set(Quiz.objects.values_list("slug", flat=True))
    assert {
        "shared-responsibility-basics",
        "iam-identities",
        "reading-policies",
    } <= slugs
    for quiz in Quiz.objects.all():
        assert quiz.items.exists() or quiz.draws.exists(), quiz


@pytest.mark.parametrize(
    "slug",
    [
        "infrastructure-services", "container-services", "abstracted-services",
        "root-user", "access-keys", "iam-users", "iam-groups", "iam-policies",
        "policy-elements", "policy-evaluation",
    ],
)  # fmt: skip
def test_every_part_of_the_seed_has_questions(shipped, db, slug):
    assert Topic.objects.get(slug=slug).questions.count() >= 3


def test_every_policy_question_has_an_engine_key_with_an_explanation(shipped, db):
    effects = set()
    for question in Question.objects.filter(type=QuestionType.POLICY):
        decision = policy_decision(question)
        effects.add(decision.effect)
        assert grade(question, {"effect": decision.effect}).is_correct
        assert decision.explain()
    assert effects == {"Allow", "ExplicitDeny", "ImplicitDeny"}


def test_every_sort_question_has_items_from_the_model(shipped, db):
    for question in Question.objects.filter(type=QuestionType.SORT):
        assert len(sort_items(question)) >= 2, question


def test_loading_again_keeps_admin_edits(shipped, db):
    Question.objects.filter(slug__isnull=False).update(explanation="Edited")
    call_command("load_content", verbosity=0)
    assert set(Question.objects.values_list("explanation", flat=True)) == {"Edited"}


# Issue 17: the corrections, each pinned to the shipped content.


def _shipped_prose():
    """Every piece of shipped prose a trainee reads, with where it comes from."""
    from exercises.models import Exercise, Hint
    from responsibility.models import Duty, ServiceDuty

    for question in Question.objects.all():
        yield f"question {question.slug}", question.prompt
        yield f"question {question.slug}", question.explanation
        for choice in question.choices.all():
            yield f"question {question.slug} choice", choice.feedback
    for exercise in Exercise.objects.all():
        yield f"exercise {exercise.slug}", exercise.scenario
    for hint in Hint.objects.select_related("exercise"):
        yield f"exercise {hint.exercise.slug} hint", hint.text
    for guide in Guide.objects.all():
        yield f"guide {guide.slug}", guide.body
    for service in Service.objects.all():
        yield f"service {service.slug}", f"{service.description} {service.placement}"
    for duty in Duty.objects.all():
        yield f"duty {duty.category_id}/{duty.area_id}", duty.explanation
    for duty in ServiceDuty.objects.all():
        yield f"override {duty.service_id}/{duty.area_id}", duty.explanation


def test_nothing_says_only_scps_can_limit_the_root_user(shipped, db):
    """Correction 1: SCPs, RCPs and resource-policy denies all restrict root."""
    import re

    only_scps = re.compile(
        r"only\s+(an?\s+)?(SCPs?|service\s+control\s+polic)", re.IGNORECASE
    )
    wrong = [
        (where, sentence)
        for where, text in _shipped_prose()
        for sentence in re.split(r"(?<=[.!?])\s", text)
        if only_scps.search(sentence)
        and "root" in sentence
        and re.search(r"limit|restrict", sentence)
    ]
    assert not wrong, wrong
    root = Question.objects.get(slug="root-not-limited-by-iam-policy").explanation
    for limit in ("service control policies", "resource control policies", "deny"):
        assert limit in root


def test_the_root_guide_names_every_limit_and_the_bucket_owner_exception(shipped, db):
    body = Guide.objects.get(slug="root-user").body
    for fact in (
        "service control policies",
        "resource control policies",
        "S3 bucket policy",
        "s3:PutBucketPolicy",
        "VPC endpoint policy",
    ):
        assert fact in body, fact


def test_the_root_guide_has_enforced_mfa_and_centralized_root_access(shipped, db):
    """Correction 2: enforced MFA for management and standalone accounts only."""
    body = Guide.objects.get(slug="root-user").body
    for fact in (
        "management accounts",
        "standalone accounts",
        "Member accounts of an organization are not covered",
        "centralized root access",
        "sts:AssumeRoot",
    ):
        assert fact in body, fact


def test_the_root_guide_lists_the_tasks_that_need_root_credentials(shipped, db):
    body = Guide.objects.get(slug="root-user").body
    for task in (
        "Close the AWS account",
        "Restore IAM permissions",
        "Billing and Cost Management console",
        "tax invoices",
        "Reserved Instance Marketplace",
        "MFA delete",
        "bucket policy that locks everyone out",
        "GovCloud",
    ):
        assert task in body, task
    assert Guide.objects.get(slug="root-user").source.endswith("id_root-user.html")


def test_root_user_today_has_six_new_questions_of_several_types(shipped, db):
    new = {
        "root-only-task", "root-only-tasks-select", "root-mfa-enforced-everywhere",
        "centralized-root-access", "root-restricted-by", "root-bucket-policy-lockout",
        "assume-root-action",
    }  # fmt: skip
    questions = Question.objects.filter(slug__in=new, topics__slug="root-user")
    assert questions.count() == len(new)
    assert {q.type for q in questions} >= {"single", "multiple", "true_false", "short"}
    assert all(q.source for q in questions)
    mfa = Question.objects.get(slug="root-mfa-enforced-everywhere")
    assert mfa.true_false_answer is False
    assert grade(
        Question.objects.get(slug="assume-root-action"), {"text": " STS:AssumeRoot "}
    ).is_correct


def test_people_sign_in_through_identity_center_and_the_group_rules_stay(shipped, db):
    """Correction 3: federation first, IAM users where it cannot work."""
    users = Guide.objects.get(slug="iam-users").body
    assert "IAM Identity Center" in users
    assert "temporary credentials" in users
    assert "only for what federation cannot do" in users
    groups = Guide.objects.get(slug="iam-groups").body
    assert "permission set" in groups
    for rule in (
        "A group can have many users.",
        "A user can belong to many groups.",
        "Groups cannot belong to groups.",
    ):
        assert rule in groups, rule
    question = Question.objects.get(slug="new-developer-joins")
    right = question.choices.get(is_correct=True)
    assert "Identity Center" in right.text
    iam_user = question.choices.get(text__startswith="Create an IAM user")
    assert not iam_user.is_correct


def test_the_evaluation_guide_lists_every_guardrail(shipped, db):
    """Correction 4: RCPs, session policies and VPC endpoint policies too."""
    body = Guide.objects.get(slug="policy-evaluation").body
    for guardrail in (
        "permissions boundary",
        "service control policy",
        "resource control policy",
        "session policy",
        "VPC endpoint policy",
    ):
        assert guardrail in body, guardrail


@pytest.mark.parametrize("slug", ["sort-abstracted", "sort-s3"])
def test_server_side_encryption_in_abstracted_services_is_shared(shipped, db, slug):
    """Correction 5: the customer chooses the key, so the key is defensible."""
    question = Question.objects.get(slug=slug)
    owners = {item.area_slug: item.owner for item in sort_items(question)}
    assert owners["server-side-encryption"] == "shared"
    for choice in ("SSE-S3", "SSE-KMS", "DSSE-KMS", "SSE-C", "key polic"):
        assert choice in question.explanation, choice


def test_no_explanation_calls_server_side_encryption_simply_aws_s_part(shipped, db):
    wrong = [
        where
        for where, text in _shipped_prose()
        if "server-side encryption is AWS's part" in text
        or "server-side encryption is on AWS's side of the line" in text
    ]
    assert not wrong, wrong


def test_the_three_categories_are_aws_s_classic_model_from_an_archived_paper(
    shipped, db
):
    """Correction 6."""
    body = Guide.objects.get(slug="shared-responsibility").body
    assert "classic" in body
    assert "archived" in body
    assert "AWS Security Best Practices" in body


def test_glacier_has_its_current_name_apart_from_the_s3_storage_classes(shipped, db):
    glacier = Service.objects.get(slug="s3-glacier")
    assert glacier.name == "Amazon Glacier"
    assert "S3 Glacier storage classes" in glacier.description
    assert (
        "Amazon S3 Glacier"
        not in ServiceCategory.objects.get(slug="abstracted").examples
    )


def test_lambda_container_images_leave_rebuilding_to_the_customer(shipped, db):
    from responsibility.models import ServiceDuty

    guest_os = ServiceDuty.objects.get(service__slug="lambda", area__slug="guest-os")
    assert guest_os.owner == "shared"
    assert "container image" in guest_os.explanation
    assert "base image" in guest_os.explanation
    question = Question.objects.get(slug="sort-lambda")
    owners = {item.area_slug: item.owner for item in sort_items(question)}
    assert owners["guest-os"] == "shared"


def test_placements_from_the_whitepaper_call_it_archived(shipped, db):
    placed = Service.objects.filter(placement__contains="Security Best Practices")
    assert placed.count() >= 10
    assert all("archived" in service.placement for service in placed)


def test_the_curriculum_has_the_size_issue_17_asks_for(shipped, db):
    assert Service.objects.count() >= 35
    assert Guide.objects.count() >= 12
    assert Question.objects.count() >= 180
    assert Exercise.objects.count() >= 30


@pytest.mark.parametrize(
    "topics",
    [
        # IAM roles, temporary credentials, Identity Center and federation.
        ["iam-roles", "role-trust-policies", "identity-center-federation"],
        # Policy types, guardrails, key policies, least privilege, S3 defaults.
        [
            "policy-types",
            "policy-guardrails",
            "kms-key-policies",
            "least-privilege-tools",
            "s3-data-protection",
        ],
        # Containers and serverless, detection and logging, compliance.
        ["containers-and-serverless", "detection-and-logging", "compliance-controls"],
    ],
)
def test_the_new_material_uses_every_question_type(shipped, db, topics):
    types = set(
        Question.objects.filter(topics__slug__in=topics).values_list("type", flat=True)
    )
    assert types == set(QuestionType.values)


QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"


@pytest.mark.parametrize(
    ("slug", "answer", "source"),
    [
        # Each number checked against the AWS page the question cites.
        ("access-keys-per-user-quota", 2, QUOTAS),
        ("inline-policy-size-user", 2048, QUOTAS),
        ("roles-inline-policy-size", 10240, QUOTAS),
        ("roles-managed-policies-default-quota", 10, QUOTAS),
        ("pt-managed-policy-size", 6144, QUOTAS),
        (
            "cloudtrail-event-history-days",
            90,
            "https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/"
            "log-using-cloudtrail-rec-actions.html",
        ),
    ],
)
def test_the_shipped_numerical_questions_keep_their_checked_numbers(
    shipped, db, slug, answer, source
):
    question = Question.objects.get(slug=slug)
    assert question.type == QuestionType.NUMERICAL
    assert (question.numerical_answer, question.numerical_tolerance) == (answer, 0)
    assert question.source == source
    assert grade(question, {"number": f"{answer:,}"}).is_correct
    assert not grade(question, {"number": str(answer + 1)}).is_correct
