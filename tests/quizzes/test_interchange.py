"""Import and export of questions: round trips, line-numbered errors, all or nothing."""

import copy
import json
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command

from quizzes.interchange import (
    ImportFileError,
    check_document,
    dump_document,
    questions_export,
    questions_import,
    read_document,
)
from quizzes.models import Choice, Question, Quiz, Topic
from tests.quizzes.bank import BANK

pytestmark = pytest.mark.django_db


def _import_text(text: str, format: str):
    return questions_import(document=check_document(read_document(text, format=format)))


@pytest.mark.parametrize("format", ["yaml", "json"])
def test_export_then_import_round_trips_every_type(bank, format):
    exported = questions_export()
    assert {q["type"] for q in exported["questions"]} == {
        "single", "multiple", "true_false", "sort", "policy", "short", "numerical",
    }  # fmt: skip
    text = dump_document(exported, format=format)

    Quiz.objects.all().delete()
    Question.objects.all().delete()
    Topic.objects.all().delete()
    counts = _import_text(text, format)
    assert counts["questions created"] == 7
    assert questions_export() == exported


def test_import_updates_an_existing_question_by_slug(bank):
    document = copy.deepcopy(BANK)
    document["questions"][0]["prompt"] = "Reworded prompt"
    document["questions"][0]["choices"] = document["questions"][0]["choices"][:2]
    questions_import(document=check_document(document))
    question = Question.objects.get(slug="groups-rule")
    assert question.prompt == "Reworded prompt"
    assert question.choices.count() == 2
    assert Question.objects.count() == 7


def test_import_counts_only_questions_whose_fields_or_choices_changed(bank):
    assert questions_import(document=check_document(BANK)) == {}
    document = copy.deepcopy(BANK)
    document["questions"][0]["choices"][0]["feedback"] = "New feedback"
    counts = questions_import(document=check_document(document))
    assert counts == {"questions updated": 1}
    assert Question.objects.get(slug="groups-rule").choices.first().feedback == (
        "New feedback"
    )


def test_a_bad_file_imports_nothing_and_names_each_line(bank):
    text = """questions:
  - slug: fine-question
    type: true_false
    prompt: Fine.
    explanation: Fine.
    answer: true
  - slug: two-right
    type: single
    prompt: Which?
    explanation: Because.
    choices:
      - {text: A, correct: true}
      - {text: B, correct: true}
  - slug: bad-policy
    type: policy
    prompt: Allowed?
    explanation: Because.
    policy: '{"Statement": [{"Effect": "Allow", "Action": "s3:*"'
    request: {principal: "arn:aws:iam::123456789012:user/a", action: s3:GetObject,
              resource: "arn:aws:s3:::b/k"}
  - slug: mystery
    type: essay
    prompt: Write.
    explanation: No.
"""
    before = Question.objects.count()
    with pytest.raises(ImportFileError) as error:
        _import_text(text, "yaml")
    messages = [str(p) for p in error.value.problems]
    assert any(m.startswith("line 7:") and "exactly one correct" in m for m in messages)
    assert any(m.startswith("line 14:") and "bad-policy" in m for m in messages)
    assert any(
        m.startswith("line 21:") and "Unknown type 'essay'" in m for m in messages
    )
    assert Question.objects.count() == before
    assert not Question.objects.filter(slug="fine-question").exists()


def test_json_errors_name_their_line(bank):
    question = {"slug": "x", "type": "short", "prompt": "p", "explanation": "e"}
    document = {"questions": [{**question, "accepted_answers": []}]}
    text = json.dumps(document, indent=2)
    with pytest.raises(ImportFileError) as error:
        _import_text(text, "json")
    assert str(error.value.problems[0]).startswith("line 3:")
    with pytest.raises(ImportFileError, match="line 2: Not valid JSON"):
        _import_text('{"questions": [\n  {"slug": }]}', "json")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        ("questions: [\x00]", "NUL byte"),
        ('{"questions": [NaN]}', "NaN is not allowed"),
        ("- just\n- a list of: [strings", "Not valid YAML"),
        ("42", "Expected a mapping"),
        ("x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_unreadable_files_get_a_clear_error(db, data, message):
    format = "json" if isinstance(data, str) and data.startswith("{") else "yaml"
    with pytest.raises(ImportFileError, match=message):
        read_document(data, format=format)


def test_unknown_fields_and_references_are_reported(bank):
    document = {
        "questions": [
            {
                "slug": "typo",
                "type": "sort",
                "prompt": "p",
                "explanation": "e",
                "sort_categry": "container",
                "topics": ["nope"],
                "sort_areas": ["not-an-area"],
            }
        ]
    }
    with pytest.raises(ImportFileError) as error:
        check_document(document)
    text = str(error.value)
    assert "unknown field(s): sort_categry" in text
    assert "Unknown topic 'nope'" in text
    assert "Unknown area 'not-an-area'" in text
    assert "Choose the category or the service" in text


def test_management_commands_import_and_export(bank, tmp_path, capsys):
    call_command("export_questions", "--format", "json")
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["questions"]) == 7
    call_command("export_questions")
    assert yaml.safe_load(capsys.readouterr().out)["questions"][0]["slug"]

    path = tmp_path / "more.yaml"
    path.write_text(
        "questions:\n  - slug: new-one\n    type: true_false\n    prompt: P\n"
        "    explanation: E\n    answer: false\n"
    )
    call_command("import_questions", str(path))
    assert "1 questions created" in capsys.readouterr().out
    assert Question.objects.filter(slug="new-one").exists()


def test_import_command_fails_cleanly(bank, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("questions:\n  - slug: Bad Slug\n    type: short\n")
    with pytest.raises(CommandError, match="nothing imported") as error:
        call_command("import_questions", str(path))
    assert "line 2" in str(error.value)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_questions", str(tmp_path / "missing.yaml"))


def test_choices_keep_their_order_on_import(bank):
    choices = list(
        Choice.objects.filter(question__slug="groups-rule").values_list(
            "text", flat=True
        )
    )
    assert choices[0].startswith("A group can contain")


def test_moodle_gift_file_imports_the_types_that_map(db, tmp_path, capsys):
    from pathlib import Path

    sample = Path(__file__).parent / "data" / "sample.gift"
    call_command("import_questions", str(sample))
    types = set(Question.objects.values_list("type", flat=True))
    assert {"single", "multiple", "true_false", "short"} <= types
    assert not Question.objects.filter(explanation="").exists()


def test_gift_errors_keep_their_line_numbers(db):
    text = "// header\n\nWhat is 2+2? {#four}\n"
    with pytest.raises(ImportFileError) as error:
        read_document(text, format="gift")
    assert error.value.problems[0].line == 3
    assert "'four' is not a number" in str(error.value)


def test_a_topic_name_taken_by_another_slug_is_an_error_not_a_crash(bank):
    document = {"topics": [{"slug": "groups-again", "name": "IAM groups"}]}
    with pytest.raises(ImportFileError, match="is taken by 'iam-groups'"):
        check_document(document)


def test_import_commands_refuse_a_billion_laughs(bank, tmp_path):
    """Issue 14, item 6: import_questions and import_exercises ran for over a
    minute on 700 bytes of nested aliases; now they refuse it with its line."""
    from tests.curriculum.test_files import _billion_laughs

    path = tmp_path / "laughs.yaml"
    path.write_text(_billion_laughs())
    for command in ("import_questions", "import_exercises"):
        with pytest.raises(CommandError, match="aliases") as error:
            call_command(command, str(path))
        assert "line 2" in str(error.value)


SOURCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html"


@pytest.mark.parametrize("format", ["yaml", "json"])
def test_a_questions_source_survives_export_and_import(bank, format):
    Question.objects.filter(slug="groups-nest").update(source=SOURCE)
    text = dump_document(questions_export(), format=format)
    assert text.count(SOURCE) == 1, "only questions with a source say so"
    Question.objects.filter(slug="groups-nest").update(source="")
    assert _import_text(text, format) == {"questions updated": 1}
    assert Question.objects.get(slug="groups-nest").source == SOURCE


def test_a_question_file_with_an_http_source_imports_nothing_naming_the_slug(bank):
    document = copy.deepcopy(BANK)
    document["questions"][2]["source"] = "http://docs.aws.amazon.com/IAM/"
    document["questions"][0]["prompt"] = "Changed"
    with pytest.raises(ImportFileError, match="Question 'groups-nest': source must"):
        questions_import(document=check_document(document))
    assert Question.objects.get(slug="groups-rule").prompt != "Changed"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("topics", "[{b: 2}]"),
        ("topics", "iam-groups"),
        ("sort_areas", "[{a: 1}]"),
        ("sort_areas", "[[guest-os]]"),
    ],
)
def test_a_list_of_slugs_holding_something_else_is_a_problem_not_a_crash(
    bank, key, value
):
    text = (
        "questions:\n- slug: s\n  type: sort\n  prompt: p\n"
        f"  sort_category: container\n  {key}: {value}\n"
    )
    with pytest.raises(ImportFileError, match=f"line 2: {key} must be a list of slugs"):
        check_document(read_document(text, format="yaml"))


def test_a_quiz_listing_something_other_than_slugs_is_a_problem(bank):
    text = "quizzes:\n- slug: q\n  title: Q\n  questions: [{x: 1}]\n"
    with pytest.raises(ImportFileError, match="line 2: questions must be a list"):
        check_document(read_document(text, format="yaml"))


@pytest.mark.parametrize(
    "entry",
    [
        "topics:\n- slug: t\n  name: {a: 1}\n",
        "topics:\n- slug: t\n  name: T\n  category: {a: 1}\n",
        "questions:\n- slug: s\n  type: sort\n  prompt: p\n  sort_service: [x]\n",
        "quizzes:\n- slug: q\n  title: Q\n  draws: [{topic: {a: 1}, count: 1}]\n",
    ],
)
def test_a_mapping_where_a_slug_or_name_belongs_is_a_problem_not_a_crash(bank, entry):
    with pytest.raises(ImportFileError) as caught:
        check_document(read_document(entry, format="yaml"))
    assert caught.value.problems[0].line == 2


@pytest.mark.parametrize("format", ["yaml", "json"])
def test_a_questions_mark_survives_export_and_import(bank, format):
    Question.objects.filter(slug="groups-nest").update(mark=Decimal("2.5"))
    Question.objects.filter(slug="name-effect").update(mark=3)
    exported = questions_export()
    marks = {q["slug"]: q.get("mark") for q in exported["questions"]}
    assert marks["groups-nest"] == 2.5
    assert marks["name-effect"] == 3
    assert marks["groups-rule"] is None, "a mark of 1 is not written"
    text = dump_document(exported, format=format)
    Question.objects.update(mark=1)

    assert _import_text(text, format) == {"questions updated": 2}
    assert dict(Question.objects.exclude(mark=1).values_list("slug", "mark")) == {
        "groups-nest": Decimal("2.5"),
        "name-effect": Decimal(3),
    }


def test_an_export_with_every_mark_one_has_no_mark_key(bank):
    exported = questions_export(with_quizzes=False)
    assert not any("mark" in question for question in exported["questions"])
    assert "mark" not in dump_document(exported, format="yaml")


def test_a_question_without_a_mark_is_worth_one(bank):
    Question.objects.filter(slug="groups-nest").update(mark=4)
    assert questions_import(document=check_document(BANK)) == {"questions updated": 1}
    assert Question.objects.get(slug="groups-nest").mark == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("two", "mark must be a number, not 'two'"),
        ("true", "mark must be a number, not True"),
        ("'2'", "mark must be a number, not '2'"),
        ("0", "mark must be more than 0 and at most 1000, not 0"),
        ("-1", "mark must be more than 0 and at most 1000, not -1"),
        ("1000.5", "mark must be more than 0 and at most 1000, not 1000.5"),
        ("5000", "mark must be more than 0 and at most 1000, not 5000"),
        (".nan", "mark must be more than 0 and at most 1000, not nan"),
        ("0.123456789", "mark has more than 7 decimals"),
    ],
)
def test_a_bad_mark_is_a_problem_naming_its_line(bank, value, message):
    text = (
        "questions:\n"
        "- slug: fine\n  type: true_false\n  prompt: p\n  answer: true\n  mark: 2\n"
        "- slug: bad\n  type: true_false\n  prompt: p\n  answer: true\n"
        f"  mark: {value}\n"
    )
    with pytest.raises(ImportFileError) as caught:
        check_document(read_document(text, format="yaml"))
    [problem] = caught.value.problems
    assert problem.line == 7
    assert f"Question 'bad': {message}" in problem.message
    assert not Question.objects.filter(slug="fine").exists()
