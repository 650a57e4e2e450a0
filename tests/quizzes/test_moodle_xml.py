"""Moodle XML: reading Moodle's own files, writing files Moodle reads, round trips."""

import base64
from pathlib import Path

import pytest
from django.core.management import call_command

from quizzes.interchange import (
    ImportFileError,
    check_document,
    dump_document,
    guess_format,
    questions_export,
    questions_import,
    questions_load,
    questions_moodle_xml,
    read_document,
    read_questions,
)
from quizzes.models import Question, Quiz, Topic

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "moodle"


def _snapshot() -> dict:
    """Every question field by field, keyed by slug."""
    questions = Question.objects.select_related(
        "sort_category", "sort_service"
    ).prefetch_related("topics", "choices", "sort_areas")
    return {
        q.slug: {
            "type": q.type,
            "prompt": q.prompt,
            "explanation": q.explanation,
            "difficulty": q.difficulty,
            "topics": [(t.slug, t.name, t.description) for t in q.topics.all()],
            "choices": [
                (c.text, c.is_correct, c.feedback, c.order) for c in q.choices.all()
            ],
            "answer": q.true_false_answer,
            "accepted": q.accepted_answer_list,
            "sort_category": q.sort_category.slug if q.sort_category else None,
            "sort_service": q.sort_service.slug if q.sort_service else None,
            "sort_areas": sorted(a.slug for a in q.sort_areas.all()),
            "policy": q.policy_document,
            "policy_kind": q.policy_kind,
            "request": (
                q.request_principal,
                q.request_action,
                q.request_resource,
                q.request_context,
            ),
            "source": q.source,
        }
        for q in questions
    }


def _empty_the_bank() -> None:
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    Topic.objects.all().delete()


def _import(text, **options):
    file = read_questions(text, format="moodle-xml", **options)
    return questions_import(document=check_document(file.document)), file.skipped


# Round trips


def test_the_shipped_bank_survives_a_moodle_xml_round_trip(content):
    questions_load()
    before = _snapshot()
    assert {q["type"] for q in before.values()} == {
        "single", "multiple", "true_false", "sort", "policy", "short",
    }  # fmt: skip
    xml = questions_moodle_xml()

    _empty_the_bank()
    counts, skipped = _import(xml)

    assert skipped == []
    assert counts["questions created"] == len(before)
    assert _snapshot() == before


def test_a_hand_made_bank_goes_yaml_to_moodle_xml_and_back(bank):
    yaml_before = questions_export(with_quizzes=False)
    before = _snapshot()
    xml = questions_moodle_xml()

    _empty_the_bank()
    _import(xml)

    assert _snapshot() == before
    assert questions_export(with_quizzes=False) == yaml_before


def test_without_our_srtdata_moodle_fields_alone_keep_types_and_keys(bank):
    """What Moodle keeps when a teacher edits our export there: not the Markdown."""
    before = _snapshot()
    xml = questions_moodle_xml()
    stripped = "\n".join(
        line for line in xml.splitlines() if "<srtdata" not in line
    )

    _empty_the_bank()
    _, skipped = _import(stripped)

    after = _snapshot()
    assert skipped == []
    # The policy question becomes single choice: its policy lives in srtdata.
    for slug, question in before.items():
        if question["type"] == "policy":
            assert after[slug]["type"] == "single"
            assert [c[1] for c in after[slug]["choices"]].count(True) == 1
            continue
        for key in ("type", "answer", "accepted", "sort_category", "sort_service",
                    "difficulty", "topics"):  # fmt: skip
            assert after[slug][key] == question[key], (slug, key)
        assert [c[1] for c in after[slug]["choices"]] == [
            c[1] for c in question["choices"]
        ]
        assert after[slug]["prompt"]


def test_export_command_writes_moodle_xml_that_the_import_command_reads(
    bank, tmp_path, capsys
):
    before = _snapshot()
    call_command("export_questions", format="moodle-xml")
    path = tmp_path / "moodle-export.xml"
    path.write_text(capsys.readouterr().out)

    _empty_the_bank()
    call_command("import_questions", str(path))

    assert "questions created" in capsys.readouterr().out
    assert _snapshot() == before
