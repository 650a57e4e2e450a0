"""Fixtures of the lab tests, imported by name where used (tests/labs has no
conftest of its own, so the console's tests beside them stay independent)."""

from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parents[2] / "labs" / "content"


def shipped_documents() -> dict[str, dict]:
    """Every shipped lab file, read as plain YAML, by slug."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(CONTENT.glob("*.yaml"))
    }


def _load_labs() -> None:
    from labs.interchange import labs_load
    from quizzes.interchange import questions_load
    from responsibility.services import content_load

    content_load()
    questions_load()
    labs_load()


@pytest.fixture
def shipped_labs(db, load_once):
    """The curriculum's topics and every shipped lab, loaded; by slug."""
    from labs.models import Lab

    load_once(_load_labs)
    return {lab.slug: lab for lab in Lab.objects.all()}


@pytest.fixture
def topics(db):
    """The topic slugs the small labs of these tests use."""
    from curriculum.models import Topic

    for slug in ("iam-groups", "iam-policies", "access-keys"):
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug})
    return Topic.objects.all()


GROUP_LAB = {
    "slug": "auditors",
    "title": "Auditors read",
    "summary": "Read-only for auditors.",
    "difficulty": 1,
    "order": 1,
    "topics": ["iam-groups"],
    "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html",
    "brief": "Give the **auditors** read access.",
    "setup": [
        {"create_group": {"name": "Auditors"}},
        {"create_user": {"name": "dana"}},
        {"add_user_to_group": {"group_name": "Auditors", "user_name": "dana"}},
    ],
    "goals": [
        {
            "can": {
                "principal": "user/dana",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/*",
            }
        },
        {"cannot": {"principal": "user/dana", "action": "s3:PutObject"}},
    ],
    "solution": [
        {
            "attach_policy": {
                "kind": "group",
                "name": "Auditors",
                "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
            }
        }
    ],
    "hints": ["Look for a managed policy that only reads.", "ReadOnlyAccess."],
}


@pytest.fixture
def group_lab(topics):
    """One small published lab, imported."""
    from labs.interchange import check_labs, labs_import
    from labs.models import Lab

    labs_import(document=check_labs({"labs": [GROUP_LAB]}))
    return Lab.objects.get(slug="auditors")
