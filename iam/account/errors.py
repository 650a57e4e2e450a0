"""The errors a practice account raises, with IAM's own codes and wording.

IAM answers a refused call with an error code (``EntityAlreadyExists``,
``LimitExceeded``, ``DeleteConflict``...) and a message; the practice account
raises ``AccountError`` with the same code and, where AWS's wording is known, the
same message, so a trainee meets here what the console and the CLI would say.
"""

from __future__ import annotations

# The codes IAM uses, and those of S3 and KMS for resource policies.
ENTITY_ALREADY_EXISTS = "EntityAlreadyExists"
NO_SUCH_ENTITY = "NoSuchEntity"
LIMIT_EXCEEDED = "LimitExceeded"
DELETE_CONFLICT = "DeleteConflict"
MALFORMED_POLICY_DOCUMENT = "MalformedPolicyDocument"
VALIDATION_ERROR = "ValidationError"
INVALID_INPUT = "InvalidInput"
MALFORMED_POLICY = "MalformedPolicy"  # S3's code for a bad bucket policy
# No IAM call exists for this (policies on the root user, a group as a member of
# a group): the practice account refuses it under a code of its own.
NOT_POSSIBLE_IN_IAM = "NotPossibleInIAM"


class AccountError(Exception):
    """A call the account refuses: ``code`` is IAM's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
