"""Two small exercises: the seed's self-service password policy, and a prediction."""

import pytest

OWN_PASSWORD_REFERENCE = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iam:ChangePassword", "iam:GetUser"],
      "Resource": "arn:aws:iam::123456789012:user/${aws:username}"
    }
  ]
}"""

SEED_BROKEN = """{"Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": [
      "iam: ChangePassword",
      "iam: GetUser"
    ]
    "Resource": "arn:aws:iam::123456789012:user/${aws:username}"
  }]
}"""

ALICE = "arn:aws:iam::123456789012:user/alice"
BOB_USER = "arn:aws:iam::123456789012:user/bob"

EXERCISES = {
    "exercises": [
        {
            "slug": "own-password",
            "title": "Change your own password",
            "kind": "fix",
            "policy_kind": "identity",
            "difficulty": 1,
            "scenario": "Let every user change **their own** password and read "
            "their own user, nothing else.",
            "starter": SEED_BROKEN,
            "reference": OWN_PASSWORD_REFERENCE,
            "hints": ["Look at line 7.", "Actions have no spaces."],
            "tests": [
                {"label": "Alice changes her password", "principal": ALICE,
                 "action": "iam:ChangePassword", "resource": ALICE,
                 "expected": "Allow", "visible": True},
                {"label": "Alice reads her user", "principal": ALICE,
                 "action": "iam:GetUser", "resource": ALICE, "expected": "Allow",
                 "visible": True},
                {"label": "Alice changes Bob's password", "principal": ALICE,
                 "action": "iam:ChangePassword", "resource": BOB_USER,
                 "expected": "ImplicitDeny", "visible": False},
            ],
        },
        {
            "slug": "predict-s3",
            "title": "What does this allow?",
            "kind": "predict",
            "policy_kind": "identity",
            "scenario": "Tick the requests the policy allows.",
            "reference": '{"Version": "2012-10-17", "Statement": [{"Effect": '
            '"Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}',
            "starter": "",
            "tests": [
                {"label": "Read a report", "principal": ALICE,
                 "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/a.csv",
                 "expected": "Allow"},
                {"label": "Write a report", "principal": ALICE,
                 "action": "s3:PutObject", "resource": "arn:aws:s3:::reports/a.csv",
                 "expected": "ImplicitDeny"},
                {"label": "Read elsewhere", "principal": ALICE,
                 "action": "s3:GetObject", "resource": "arn:aws:s3:::other/a.csv",
                 "expected": "ImplicitDeny"},
            ],
        },
    ]
}  # fmt: skip


def _import_exercises() -> None:
    from exercises.interchange import check_exercises, exercises_import

    exercises_import(document=check_exercises(EXERCISES))


@pytest.fixture
def exercises(db, load_once):
    from exercises.models import Exercise

    load_once(_import_exercises)
    return {e.slug: e for e in Exercise.objects.all()}
