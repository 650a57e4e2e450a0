"""Hints are authors' Markdown, shown inline and sanitized."""

import pytest
from django.urls import reverse

from exercises.models import Hint

pytestmark = pytest.mark.django_db


def test_a_revealed_hint_renders_its_markdown(client, exercises, alice):
    exercise = exercises["own-password"]
    Hint.objects.filter(exercise=exercise, order=0).update(
        text="Look at `iam: GetUser`: actions have *no* spaces. <b>x</b>"
    )
    Hint.objects.filter(exercise=exercise).exclude(order=0).delete()
    client.force_login(alice)
    client.post(reverse("exercises:hint", args=[exercise.slug]))
    page = client.get(exercise.get_absolute_url()).content.decode()
    assert "<code>iam: GetUser</code>: actions have <em>no</em> spaces." in page
    assert "`iam:" not in page
    assert "<b>x</b>" not in page
