"""
Form helpers every content app shares: reading JSON a person typed, strictly.

The json module lets through what a database or a reader should not get: a key
given twice, NaN and Infinity, NUL characters, lone surrogates. These refuse them
with a readable message, as a form error in a form.
"""

import json

from django import forms

from .files import check_strings

MAX_JSON_DEPTH = 20


def _depth(text: str) -> int:
    """How deeply brackets nest in JSON text, ignoring those inside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    """An object_pairs_hook that refuses a key given twice."""
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"The key {key!r} appears twice.")
        seen[key] = value
    return seen


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows.")


def load_strict_json(text: str):
    """
    Parse JSON typed by a person, refusing what the json module lets through but
    a database or a reader should not get: duplicate keys, NaN and Infinity, NUL
    characters, lone surrogates, and nesting deeper than MAX_JSON_DEPTH.
    Raises ValueError with a readable message.
    """
    if _depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        value = json.loads(
            text, object_pairs_hook=no_duplicates, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as error:
        raise ValueError(
            f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from error
    check_strings(value)
    return value


def parse_context(text: str) -> dict:
    """Read a context object typed as JSON; raise ValueError with a readable message."""
    if not text.strip():
        return {}
    value = load_strict_json(text)
    if not isinstance(value, dict):
        raise ValueError("The context must be a JSON object.")
    return value


class StrictJSONField(forms.JSONField):
    """A JSON form field that refuses what load_strict_json refuses, as a form error."""

    def to_python(self, value):
        if self.disabled or value in self.empty_values:
            return super().to_python(value)
        if isinstance(value, str):
            try:
                load_strict_json(value)
            except ValueError as error:
                raise forms.ValidationError(str(error), code="invalid") from error
        return super().to_python(value)
