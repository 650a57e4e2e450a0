"""A practice AWS account, simulated by the engine: no AWS account, no network.

    account = Account("123456789012")
    account.create_group("Auditors")
    account.create_user("bob")
    account.add_user_to_group("Auditors", "bob")
    account.attach_policy("group", "Auditors", arn)
    simulate(account, "arn:aws:iam::123456789012:user/bob", "s3:GetObject", ...)
    who_can(account, "s3:GetObject", "arn:aws:s3:::reports/q1.csv")

``model.py`` holds the account and IAM's rules, ``effective.py`` what each
principal can do and why, ``errors.py`` IAM's error codes.
"""

from .effective import AccountDecision, Attachment, Deciding, simulate, who_can
from .errors import AccountError
from .model import (
    AccessKey,
    Account,
    Group,
    ManagedPolicy,
    Resource,
    Role,
    RootUser,
    User,
)

__all__ = [
    "AccessKey",
    "Account",
    "AccountDecision",
    "AccountError",
    "Attachment",
    "Deciding",
    "Group",
    "ManagedPolicy",
    "Resource",
    "Role",
    "RootUser",
    "User",
    "simulate",
    "who_can",
]
