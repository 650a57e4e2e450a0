"""
A guide, question, exercise or service placement may cite the AWS page it
follows: an https address, read from the content files, edited in the admin,
shown to trainees where the fact is taught.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from curriculum.sources import source_problem
from quizzes.models import Question
from responsibility.models import Guide, Service

PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"


def test_an_https_address_is_a_source():
    assert source_problem(PAGE) is None


@pytest.mark.parametrize(
    "value",
    [
        "http://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html",
        "docs.aws.amazon.com/IAM/",
        "javascript:alert(1)",
        "",
        42,
        None,
        "https://docs.aws.amazon.com/" + "a" * 300,
    ],
)
def test_anything_but_an_https_address_is_refused(value):
    assert "source must be an https URL" in source_problem(value)


@pytest.mark.django_db
def test_the_model_field_refuses_an_http_address():
    guide = Guide(
        slug="roles",
        title="Roles",
        summary="S",
        body="B",
        source=PAGE.replace("https", "http"),
    )
    with pytest.raises(ValidationError) as error:
        guide.full_clean()
    assert "source" in error.value.message_dict
    guide.source = PAGE
    guide.full_clean()


QUESTION = (
    "topics:\n  - slug: roles\n    name: Roles\n"
    "questions:\n  - slug: assume-role\n    type: short\n    prompt: P\n"
    "    explanation: E\n    accepted_answers: [A]\n    source: {source}\n"
)


@pytest.mark.django_db
def test_shipped_questions_carry_their_source(tmp_path, monkeypatch):
    (tmp_path / "roles.yaml").write_text(QUESTION.format(source=PAGE))
    (tmp_path / "exercises").mkdir()
    monkeypatch.setattr("quizzes.interchange.QUESTIONS_DIR", tmp_path)
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path / "exercises")
    (tmp_path / "labs").mkdir()
    monkeypatch.setattr("labs.interchange.CONTENT_DIR", tmp_path / "labs")
    call_command("load_content")
    assert Question.objects.get(slug="assume-role").source == PAGE


@pytest.mark.django_db
def test_a_shipped_question_with_an_http_source_is_refused_naming_file_and_slug(
    tmp_path, monkeypatch
):
    (tmp_path / "roles.yaml").write_text(QUESTION.format(source="http://example.com"))
    monkeypatch.setattr("quizzes.interchange.QUESTIONS_DIR", tmp_path)
    with pytest.raises(
        CommandError,
        match="roles.yaml:\nline 5: Question 'assume-role': source must be an https",
    ):
        call_command("load_content")
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_a_shipped_exercise_with_an_http_source_is_refused_naming_file_and_slug(
    tmp_path, monkeypatch
):
    import yaml

    from exercises.interchange import EXERCISES_FILE

    first = yaml.safe_load(EXERCISES_FILE.read_text())["exercises"][0]
    bad = {**first, "slug": "cited", "source": "http://docs.aws.amazon.com/"}
    (tmp_path / "cited.yaml").write_text(yaml.safe_dump({"exercises": [bad]}))
    monkeypatch.setattr("exercises.interchange.EXERCISES_DIR", tmp_path)
    with pytest.raises(
        CommandError,
        match="cited.yaml:\nline 2: Exercise 'cited': source must be an https URL",
    ):
        call_command("load_content")
    assert not Question.objects.exists()
