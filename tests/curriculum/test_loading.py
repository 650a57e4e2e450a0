"""The content loaders run in dependency order, all or nothing, by slug."""

import pytest
from django.core.management import CommandError, call_command

from curriculum.loading import Upsert, content_loaders
from quizzes.models import Question
from responsibility.models import ResponsibilityArea, ServiceCategory

pytestmark = pytest.mark.django_db


def test_content_apps_load_after_the_content_they_refer_to():
    apps = [loader.app for loader in content_loaders()]
    assert apps == ["responsibility", "quizzes", "exercises", "labs"]


def test_a_bad_question_file_stops_the_load_naming_it_and_writes_nothing(
    tmp_path, monkeypatch
):
    bad = tmp_path / "questions.yaml"
    bad.write_text("questions:\n  - slug: Not A Slug\n    type: short\n")
    monkeypatch.setattr("quizzes.interchange.QUESTIONS_FILE", bad)
    with pytest.raises(CommandError, match="questions.yaml:\nline 2: ") as error:
        call_command("load_content")
    assert str(error.value).startswith("Content not loaded: ")
    assert not ServiceCategory.objects.exists()


def test_an_unknown_topic_in_the_exercise_file_stops_the_load(tmp_path, monkeypatch):
    bad = tmp_path / "exercises.yaml"
    bad.write_text(
        "exercises:\n  - slug: lost\n    title: T\n    kind: write\n"
        "    scenario: S\n    reference: R\n    topics: [no-such-topic]\n"
    )
    monkeypatch.setattr("exercises.interchange.EXERCISES_FILE", bad)
    with pytest.raises(CommandError, match="exercises.yaml:\n.*no-such-topic"):
        call_command("load_content")
    assert not Question.objects.exists()


def _area(upsert: Upsert, name: str):
    values = {"name": name, "order": 1, "description": "D"}
    return upsert(ResponsibilityArea, {"slug": "patching"}, values)


def test_upsert_creates_what_is_missing_and_counts_it():
    upsert = Upsert(update=False)
    area, written = _area(upsert, "Patching")
    assert written and area.name == "Patching"
    assert upsert.counts == {"responsibility areas created": 1}


def test_upsert_keeps_an_existing_row_unless_asked_to_update():
    _area(Upsert(update=False), "Patching")
    ResponsibilityArea.objects.update(name="Edited in admin")
    upsert = Upsert(update=False)
    area, written = _area(upsert, "Patching")
    assert not written and area.name == "Edited in admin"
    assert not upsert.counts


def test_upsert_with_update_overwrites_and_counts_only_changed_rows():
    _area(Upsert(update=False), "Patching")
    upsert = Upsert(update=True)
    area, written = _area(upsert, "Patching")
    assert written, "the caller rewrites the row's children"
    assert not upsert.counts
    ResponsibilityArea.objects.update(name="Edited in admin")
    area, written = _area(upsert, "Patching")
    assert ResponsibilityArea.objects.get().name == "Patching"
    assert upsert.counts == {"responsibility areas updated": 1}
