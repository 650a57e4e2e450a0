"""
The `source` of a piece of curriculum: the AWS documentation page it follows.

Guides, questions, exercises and service placements carry one. It is optional
for now; when present it must be an https address, in the admin (the model
field's validator) and in every content file (`source_problem`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

SOURCE_MAX_LENGTH = 300
SOURCE_HELP = "The AWS documentation page this follows."

# A code of its own: forms replace an "invalid" message with "Enter a valid URL.".
https_url = URLValidator(
    schemes=["https"], message="Enter an https address (https://…).", code="not_https"
)


def source_field() -> models.URLField:
    """The optional `source` field every content model declares."""
    return models.URLField(
        max_length=SOURCE_MAX_LENGTH,
        blank=True,
        validators=[https_url],
        help_text=SOURCE_HELP,
    )


def source_problem(value: object) -> str | None:
    """Why a content file's `source` value is refused, or None when it is fine."""
    if not isinstance(value, str) or len(value) > SOURCE_MAX_LENGTH:
        return f"source must be an https URL of at most {SOURCE_MAX_LENGTH} characters."
    try:
        https_url(value)
    except ValidationError:
        return f"source must be an https URL, not {value!r}."
    return None
