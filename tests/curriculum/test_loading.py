"""The content loaders run in dependency order, all or nothing, by slug."""

import pytest
import yaml
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
    monkeypatch.setattr("quizzes.interchange.QUESTIONS_DIR", tmp_path)
    # The shipped exercises and labs use the shipped topics.
    (tmp_path / "exercises").mkdir()
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path / "exercises")
    (tmp_path / "labs").mkdir()
    monkeypatch.setattr("labs.interchange.CONTENT_DIR", tmp_path / "labs")
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
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path)
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


TOPIC_FILE = "topics:\n  - slug: roles\n    name: Roles\n"
QUESTION_FILE = (
    "questions:\n  - slug: {slug}\n    type: short\n    prompt: P\n"
    "    explanation: E\n    accepted_answers: [A]\n    topics: [roles]\n"
)


def _exercise_file(slug: str) -> str:
    """The first shipped exercise under another slug."""
    from exercises.interchange import EXERCISES_FILE

    first = yaml.safe_load(EXERCISES_FILE.read_text())["exercises"][0]
    return yaml.safe_dump({"exercises": [{**first, "slug": slug}]})


def _questions_dir(tmp_path, monkeypatch, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setattr("quizzes.interchange.QUESTIONS_DIR", tmp_path)
    # The shipped exercises and labs use the shipped topics.
    (tmp_path / "exercises").mkdir()
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path / "exercises")
    (tmp_path / "labs").mkdir()
    monkeypatch.setattr("labs.interchange.CONTENT_DIR", tmp_path / "labs")


def test_every_question_file_loads_as_one_bank_using_topics_of_another(
    tmp_path, monkeypatch
):
    _questions_dir(
        tmp_path,
        monkeypatch,
        {
            "a-topics.yaml": TOPIC_FILE,
            "b-roles.yaml": QUESTION_FILE.format(slug="assume-role"),
            "c-more.yaml": QUESTION_FILE.format(slug="trust-policy"),
            "notes.txt": "not a content file",
        },
    )
    call_command("load_content")
    questions = Question.objects.order_by("slug")
    assert [q.slug for q in questions] == ["assume-role", "trust-policy"]
    assert [t.slug for t in questions[0].topics.all()] == ["roles"]


def test_a_question_slug_in_two_files_is_refused_naming_both_and_loads_nothing(
    tmp_path, monkeypatch
):
    _questions_dir(
        tmp_path,
        monkeypatch,
        {
            "a.yaml": TOPIC_FILE + QUESTION_FILE.format(slug="assume-role"),
            "b.yaml": QUESTION_FILE.format(slug="assume-role"),
        },
    )
    with pytest.raises(CommandError) as error:
        call_command("load_content")
    assert "b.yaml:\nThe slug 'assume-role' (questions) is already in a.yaml." in str(
        error.value
    )
    assert not ServiceCategory.objects.exists()
    assert not Question.objects.exists()


def test_a_topic_name_taken_in_another_file_is_refused_naming_the_second(
    tmp_path, monkeypatch
):
    _questions_dir(
        tmp_path,
        monkeypatch,
        {
            "a.yaml": TOPIC_FILE,
            "b.yaml": "topics:\n  - slug: iam-roles\n    name: Roles\n",
        },
    )
    with pytest.raises(CommandError, match="b.yaml:\nline 2: The topic name 'Roles'"):
        call_command("load_content")


def test_a_bad_second_question_file_loads_nothing_and_names_it(tmp_path, monkeypatch):
    _questions_dir(
        tmp_path,
        monkeypatch,
        {
            "a.yaml": TOPIC_FILE + QUESTION_FILE.format(slug="assume-role"),
            "b.yaml": QUESTION_FILE.format(slug="lost").replace("[roles]", "[nope]"),
        },
    )
    with pytest.raises(CommandError, match="b.yaml:\nline 2: Unknown topic 'nope'"):
        call_command("load_content")
    assert not Question.objects.exists()
    assert not ServiceCategory.objects.exists()


def test_a_second_question_file_that_is_not_yaml_is_refused_naming_it(
    tmp_path, monkeypatch
):
    _questions_dir(tmp_path, monkeypatch, {"a.yaml": TOPIC_FILE, "b.yaml": "a: [b"})
    with pytest.raises(CommandError, match="b.yaml:\nline .*Not valid YAML"):
        call_command("load_content")
    assert not Question.objects.exists()


def test_an_exercise_slug_in_two_files_is_refused_and_loads_nothing(
    tmp_path, monkeypatch
):
    (tmp_path / "a.yaml").write_text(_exercise_file("deny-all"))
    (tmp_path / "b.yaml").write_text(_exercise_file("deny-all"))
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path)
    with pytest.raises(
        CommandError, match=r"b.yaml:\nThe slug 'deny-all' \(exercises\) is already"
    ):
        call_command("load_content")
    assert not Question.objects.exists()


def test_exercises_of_every_file_load(tmp_path, monkeypatch):
    from exercises.models import Exercise

    (tmp_path / "a.yaml").write_text(_exercise_file("first"))
    (tmp_path / "b.yaml").write_text(_exercise_file("second"))
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path)
    call_command("load_content")
    assert sorted(Exercise.objects.values_list("slug", flat=True)) == [
        "first",
        "second",
    ]


def test_a_text_longer_than_its_column_is_refused_naming_the_row(db):
    # SQLite stores it; PostgreSQL refuses it with a database error. The loader
    # refuses it first, on both, naming the row and the field.
    from curriculum.loading import ContentLoadError, Upsert
    from responsibility.models import Guide

    upsert = Upsert(update=False)
    with pytest.raises(ContentLoadError, match=r"guide 'long': summary is 301 "):
        upsert(Guide, {"slug": "long"}, {"title": "T", "summary": "x" * 301})
    assert not Guide.objects.exists()
    upsert(Guide, {"slug": "short"}, {"title": "T", "summary": "x" * 300})
    assert Guide.objects.filter(slug="short").exists()
