"""Lab files: loaded by load_content, imported and exported by commands, and
refused whole, with the file, the lab and the place named, when anything is
wrong."""

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.files import ImportFileError
from curriculum.loading import ContentLoadError, content_loaders
from labs import interchange
from labs.interchange import check_labs, labs_export, labs_import, read_labs
from labs.models import Lab
from tests.labs.lab_fixtures import (
    GROUP_LAB,
    group_lab,
    shipped_documents,
    shipped_labs,
    topics,
)

__all__ = ["group_lab", "shipped_labs", "topics"]  # fixtures
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _lab(**changes) -> dict:
    lab = copy.deepcopy(GROUP_LAB)
    lab.update(changes)
    return lab


def test_labs_load_after_the_question_bank_that_defines_topics():
    order = [loader.app for loader in content_loaders()]
    assert order.index("quizzes") < order.index("labs")


def test_load_content_loads_every_shipped_lab(shipped_labs):
    assert set(shipped_labs) == set(shipped_documents())
    lab = shipped_labs["auditors-read-only"]
    assert lab.goals and lab.solution and lab.hints
    assert {t.slug for t in lab.topics.all()} == {"iam-policies", "iam-groups"}


def test_the_load_content_command_loads_labs(db):
    call_command("load_content", stdout=io.StringIO())
    assert Lab.objects.filter(slug="rotate-access-key").exists()


def test_loading_again_keeps_an_administrators_edit(shipped_labs):
    Lab.objects.filter(slug="auditors-read-only").update(title="Edited")
    interchange.labs_load()
    assert Lab.objects.get(slug="auditors-read-only").title == "Edited"


@pytest.mark.parametrize(
    ("lab", "words"),
    [
        (_lab(colour="red"), "Lab 'auditors': unknown key(s): colour."),
        (_lab(setup=[{"create_user": {"name": "bad name"}}]),
         "Lab 'auditors': setup: operation 1 (create_user): ValidationError"),
        (_lab(goals=[{"can": {"principal": "user/dana"}}]),
         "Lab 'auditors': goal 1: goal can needs principal, action"),
        (_lab(goals=[{"fly": True}]), "Lab 'auditors': goal 1: unknown goal 'fly'"),
        (_lab(goals=[{"cannot": {"principal": "user/dana", "action": "s3:PutObject"}}]),
         "Lab 'auditors': goals: the starting account already meets every goal."),
        (_lab(solution=[]), "Lab 'auditors': goal 1 (user dana can s3:GetObject on "
                            "arn:aws:s3:::reports/*): the solution does not meet it"),
        (_lab(solution=[{"attach_policy": {"kind": "group", "name": "Nobody",
                                           "arn": READ_ONLY}}]),
         "Lab 'auditors': solution: operation 1 (attach_policy): NoSuchEntity"),
        (_lab(topics=["astrology"]), "unknown topic 'astrology'"),
        (_lab(source="http://example.com/"), "source must be an address under"),
        (_lab(slug="Not A Slug"), "the slug is lowercase"),
        (_lab(difficulty=7), "difficulty must be 1, 2 or 3"),
    ],
)  # fmt: skip
def test_a_bad_lab_is_refused_with_its_name_and_place(topics, lab, words):
    with pytest.raises(ImportFileError) as raised:
        check_labs({"labs": [lab]})
    assert words in str(raised.value)


def test_a_problem_names_the_line_of_the_lab_in_the_file(topics):
    text = "labs:\n  - slug: one\n    title: One\n    colour: red\n"
    with pytest.raises(ImportFileError) as raised:
        check_labs(read_labs(text, format="yaml"))
    assert "line 2: Lab 'one':" in str(raised.value)


def test_a_bad_shipped_file_loads_no_lab_at_all(topics, tmp_path, monkeypatch):
    good = tmp_path / "auditors.yaml"
    good.write_text(json.dumps(GROUP_LAB), encoding="utf-8")
    bad = tmp_path / "broken.yaml"
    bad.write_text(json.dumps(_lab(slug="broken", solution=[])), encoding="utf-8")
    monkeypatch.setattr(interchange, "CONTENT_DIR", tmp_path)
    with pytest.raises(ContentLoadError) as raised:
        interchange.labs_load()
    assert "broken.yaml" in str(raised.value)
    assert "Lab 'broken': goal 1" in str(raised.value)
    assert not Lab.objects.exists()


def test_a_shipped_file_must_be_named_after_its_lab(topics, tmp_path, monkeypatch):
    (tmp_path / "other-name.yaml").write_text(json.dumps(GROUP_LAB), encoding="utf-8")
    monkeypatch.setattr(interchange, "CONTENT_DIR", tmp_path)
    with pytest.raises(ContentLoadError, match="not the file's name"):
        interchange.labs_load()
    assert not Lab.objects.exists()


def test_export_then_import_into_an_empty_database_gives_the_same_labs(
    shipped_labs, tmp_path
):
    out = tmp_path / "labs.yaml"
    call_command("export_labs", "--output", str(out), stdout=io.StringIO())
    before = labs_export()
    Lab.objects.all().delete()
    assert not Lab.objects.exists()
    stdout = io.StringIO()
    call_command("import_labs", str(out), stdout=stdout)
    assert f"{len(shipped_labs)} labs created" in stdout.getvalue()
    assert labs_export() == before


def test_export_writes_json_to_standard_output(group_lab):
    stdout = io.StringIO()
    call_command("export_labs", "--format", "json", stdout=stdout)
    [lab] = json.loads(stdout.getvalue())["labs"]
    assert lab["slug"] == "auditors"
    assert lab["solution"] == GROUP_LAB["solution"]


def test_import_labs_refuses_a_bad_file_and_imports_nothing(topics, tmp_path):
    path = tmp_path / "labs.json"
    path.write_text(
        json.dumps({"labs": [GROUP_LAB, _lab(slug="second", goals=[{"x": 1}])]}),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_labs", str(path), stdout=io.StringIO())
    assert "nothing imported" in str(raised.value)
    assert "Lab 'second': goal 1" in str(raised.value)
    assert not Lab.objects.exists()


def test_import_accepts_one_lab_as_a_file_and_updates_by_slug(group_lab, tmp_path):
    path = tmp_path / "auditors.json"
    path.write_text(json.dumps(_lab(title="Renamed")), encoding="utf-8")
    call_command("import_labs", str(path), stdout=io.StringIO())
    assert Lab.objects.get(slug="auditors").title == "Renamed"
    assert Lab.objects.count() == 1


def test_import_of_an_unreadable_file_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_labs", str(tmp_path / "missing.yaml"))


def test_labs_import_writes_topics(group_lab):
    assert [t.slug for t in group_lab.topics.all()] == ["iam-groups"]
    counts = labs_import(document={"labs": [_lab(title="New title")]}, update=False)
    assert not counts
    assert Lab.objects.get(slug="auditors").title == GROUP_LAB["title"]
