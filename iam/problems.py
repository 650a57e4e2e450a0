"""Problems found while parsing, and findings reported by the linter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Why a policy document cannot be used: what, where in the JSON and in the text.

    ``path`` names the JSON element (``Statement[1].Action[0]``); ``line`` and
    ``column`` are 1-based positions in the original text, or None when the policy
    came from a dict.
    """

    code: str
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line is not None else ""
        at = f" (at {self.path})" if self.path else ""
        return f"{where}{self.code} {self.message}{at}"


class PolicyError(ValueError):
    """Raised by ``parse_policy`` when a document is not a valid policy.

    ``problems`` lists every problem found, in document order.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        super().__init__(str(first) if first else "invalid policy")


SEVERITIES = ("error", "warning", "suggestion")


@dataclass(frozen=True)
class Finding:
    """Something the linter noticed: ``severity`` is error, warning or suggestion."""

    severity: str
    code: str
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line is not None else ""
        return f"{where}{self.code} {self.message}"
