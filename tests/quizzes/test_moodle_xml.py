"""Moodle XML: reading Moodle's own files, writing files Moodle reads, round trips."""

import base64
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.grading import sort_key
from quizzes.images import images_store
from quizzes.interchange import (
    ImportFileError,
    check_document,
    guess_format,
    questions_export,
    questions_import,
    questions_load,
    questions_moodle_xml,
    read_document,
    read_questions,
)
from quizzes.models import Question, QuestionImage, Quiz, Topic
from responsibility.markdown import render_markdown, sanitize_html
from responsibility.models import Owner, ServiceCategory

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
            "mark": q.mark,
            "topics": [(t.slug, t.name, t.description) for t in q.topics.all()],
            "choices": [
                (c.text, c.is_correct, c.feedback, c.order) for c in q.choices.all()
            ],
            "answer": q.true_false_answer,
            "accepted": q.accepted_answer_list,
            "number": (q.numerical_answer, q.numerical_tolerance),
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
    document = check_document(file.document)
    return questions_import(document=document, images=file.images), file.skipped


# Round trips


def test_the_shipped_bank_survives_a_moodle_xml_round_trip(content):
    questions_load()
    before = _snapshot()
    assert {q["type"] for q in before.values()} == {
        "single", "multiple", "true_false", "sort", "policy", "short", "numerical",
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


def test_a_bank_with_every_corner_goes_yaml_to_moodle_xml_and_back(content):
    """Markdown, two topics or none, a service sort, a policy with a context,
    sources, difficulties, an empty explanation, a topic name with a slash, an
    image."""
    image = _one_png()
    text = (DATA / "every_type.yaml").read_text()
    text = text.replace(
        "Which are IAM identities?",
        f"Which are IAM identities? ![a diagram](/question-images/{image.sha256})",
    )
    questions_import(document=check_document(read_document(text, format="yaml")))
    yaml_before = questions_export(with_quizzes=False)
    before = _snapshot()
    assert {q["type"] for q in before.values()} == {
        "single", "multiple", "true_false", "sort", "policy", "short", "numerical",
    }  # fmt: skip
    xml = questions_moodle_xml()
    assert "$course$/top/IAM users//groups" in xml
    assert "<text>-4500.125</text>" in xml and "<tolerance>0.75</tolerance>" in xml
    assert 'fraction="33.33333"' in xml and 'fraction="-33.33333"' in xml

    _empty_the_bank()
    QuestionImage.objects.all().delete()
    _import(xml)

    assert _snapshot() == before
    assert questions_export(with_quizzes=False) == yaml_before
    assert QuestionImage.objects.get().sha256 == image.sha256


def _one_png() -> QuestionImage:
    data = (DATA / "course_export.xml").read_text()
    encoded = data.split('encoding="base64">')[1].split("<")[0]
    file = read_questions(
        _one_image_question(f'<file name="pic.png" encoding="base64">{encoded}</file>'),
        format="moodle-xml",
    )
    images_store(file.images)
    return QuestionImage.objects.get()


def test_a_questions_mark_is_its_defaultgrade_and_comes_back(bank):
    Question.objects.filter(slug="groups-nest").update(mark=Decimal("2.5"))
    Question.objects.filter(slug="name-effect").update(mark=Decimal("0.3333333"))
    before = _snapshot()
    xml = questions_moodle_xml()
    grades = re.findall(r"<defaultgrade>(.*)</defaultgrade>", xml)
    assert sorted(grades) == ["0.3333333"] + ["1.0000000"] * 5 + ["2.5000000"]

    _empty_the_bank()
    _import(xml)

    assert _snapshot() == before
    assert Question.objects.get(slug="groups-nest").mark == Decimal("2.5")


def _true_false(grade: str) -> str:
    return (
        "<quiz>\n<question type='truefalse'><name><text>Marked</text></name>\n"
        "<questiontext><text>Marked?</text></questiontext>\n"
        f"<defaultgrade>{grade}</defaultgrade>\n"
        "<answer fraction='100'><text>true</text></answer>\n"
        "<answer fraction='0'><text>false</text></answer>\n"
        "</question>\n</quiz>"
    )


@pytest.mark.parametrize(
    ("grade", "mark"),
    [("2.5000000", Decimal("2.5")), ("1.0000000", 1), ("", 1), ("7", 7)],
)
def test_moodles_defaultgrade_is_kept_as_the_mark(db, grade, mark):
    _import(_true_false(grade))
    assert Question.objects.get(slug="marked").mark == mark


def test_a_question_without_defaultgrade_is_worth_one(db):
    _import(_true_false("1").replace("<defaultgrade>1</defaultgrade>\n", ""))
    assert Question.objects.get(slug="marked").mark == 1


@pytest.mark.parametrize("skip_unsupported", [False, True])
@pytest.mark.parametrize("grade", ["0.0000000", "-1"])
def test_a_question_worth_no_marks_is_a_problem_naming_its_line(
    db, grade, skip_unsupported
):
    with pytest.raises(ImportFileError) as caught:
        _import(_true_false(grade), skip_unsupported=skip_unsupported)
    [problem] = caught.value.problems
    assert problem.line == 4
    assert problem.message == (
        f"Question 'Marked' has a defaultgrade of {grade}: a question worth no "
        "marks cannot be represented."
    )
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("grade", "line", "words"),
    [
        ("lots", 4, "the defaultgrade 'lots' is not a number"),
        ("NaN", 4, "the defaultgrade 'NaN' is not a number"),
        ("5000", 2, "mark must be more than 0 and at most 1000, not 5000"),
    ],
)
def test_a_defaultgrade_that_is_no_mark_is_a_problem(db, grade, line, words):
    with pytest.raises(ImportFileError) as caught:
        _import(_true_false(grade))
    [problem] = caught.value.problems
    assert problem.line == line
    assert words in problem.message


def test_without_our_srtdata_moodle_fields_alone_keep_types_and_keys(bank):
    """What Moodle keeps when a teacher edits our export there: not the Markdown."""
    before = _snapshot()
    xml = questions_moodle_xml()
    stripped = "\n".join(line for line in xml.splitlines() if "<srtdata" not in line)

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


# Files Moodle wrote, and a course export in Moodle's shape


def test_a_course_export_with_unsupported_types_imports_nothing_and_names_them(
    content, tmp_path
):
    with pytest.raises(CommandError) as caught:
        call_command("import_questions", str(DATA / "course_export.xml"))

    message = str(caught.value)
    assert "nothing imported" in message
    assert (
        "line 66: Question 'Explain least privilege': essay questions (type 'essay') "
        "are not supported by this trainer" in message
    )
    assert "line 196: Question 'Cloze about regions'" in message
    assert "multianswer" in message
    assert "--skip-unsupported" in message
    assert not Question.objects.exists()
    assert not QuestionImage.objects.exists()


def test_skip_unsupported_imports_the_rest_and_lists_what_it_skipped(content, capsys):
    call_command(
        "import_questions", str(DATA / "course_export.xml"), skip_unsupported=True
    )

    out = capsys.readouterr().out
    assert "4 questions created" in out
    assert "1 images created" in out
    assert "Skipped: line 66: Question 'Explain least privilege'" in out
    assert "Skipped: line 196: Question 'Cloze about regions'" in out
    root = Question.objects.get(slug="root-user-powers")
    assert root.type == "single"
    assert root.mark == 2  # its defaultgrade
    assert root.prompt.startswith(
        "Which identity can do *everything* in an AWS account by default?"
    )
    assert [(c.text, c.is_correct, c.feedback) for c in root.choices.all()] == [
        ("The **root user**", True, "Right: lock it away."),
        (
            "A new IAM user",
            False,
            "New users can do nothing until granted permissions.",
        ),
        ("A new IAM role", False, ""),
    ]
    assert root.explanation.endswith(
        "See [the root user](https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "id_root-user.html)."
    )
    assert [(t.slug, t.name, t.description) for t in root.topics.all()] == [
        ("iam-basics", "IAM basics", "Users, groups and the **root user**.")
    ]
    targets = Question.objects.get(slug="identity-policy-targets")
    assert targets.type == "multiple"
    assert [c.is_correct for c in targets.choices.all()] == [True, True, False]
    assert "alert" not in targets.prompt  # the script is gone
    assert targets.needs_explanation
    short = Question.objects.get(slug="username-variable")
    assert short.accepted_answer_list == ["aws:username", "${aws:username}"]
    assert short.explanation == "Right."
    deny = Question.objects.get(slug="explicit-deny-wins")
    assert deny.true_false_answer is True
    assert [t.slug for t in deny.topics.all()] == ["policy-basics"]


def test_an_imported_image_is_stored_once_served_and_shown(content, client, alice):
    for _ in range(2):
        _import((DATA / "course_export.xml").read_bytes(), skip_unsupported=True)

    image = QuestionImage.objects.get()
    assert image.content_type == "image/png"
    assert image.name == "account diagram.png"
    prompt = Question.objects.get(slug="root-user-powers").prompt
    url = f"/question-images/{image.sha256}"
    assert f"![An account with its identities]({url})" in prompt
    assert f'<img src="{url}" alt="An account with its identities">' in str(
        render_markdown(prompt)
    )
    assert client.get(url).status_code == 302  # signed-in users only
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == bytes(image.data)
    assert client.get("/question-images/" + "0" * 64).status_code == 404


def test_only_same_site_images_survive_the_sanitiser():
    html = str(render_markdown("![x](https://tracker.example/p.png) ![y](//evil/p)"))
    assert "tracker" not in html
    assert "evil" not in html
    # A browser reads the backslash as a slash: another host, in disguise.
    cleaned = str(sanitize_html('<p><img src="/\\evil.example/p.png" alt="x"></p>'))
    assert "evil" not in cleaned
    assert '<img src="/question-images/ab" alt="y">' in str(
        sanitize_html('<img src="/question-images/ab" alt="y">')
    )


def _one_image_question(file_element: str, src: str = "@@PLUGINFILE@@/pic.png") -> str:
    return (
        "<quiz>\n<question type='truefalse'>\n<name><text>pic</text></name>\n"
        "<questiontext format='html'>\n"
        f'<text><![CDATA[<p>Look <img src="{src}" alt="a picture"></p>]]></text>\n'
        f"{file_element}\n</questiontext>\n"
        "<answer fraction='100'><text>true</text></answer>\n"
        "<answer fraction='0'><text>false</text></answer>\n</question>\n</quiz>"
    )


_SVG = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
_BIG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(2 * 1024 * 1024)).decode()


@pytest.mark.parametrize(
    ("file_element", "line", "reason"),
    [
        (f'<file name="pic.png" encoding="base64">{_SVG}</file>', 6, "SVG"),
        ('<file name="pic.png" encoding="base64">not*base64</file>', 6, "base64"),
        ("", 4, "missing"),
        (f'<file name="pic.png" encoding="base64">{_BIG}</file>', 6, "larger than 2"),
    ],
)
def test_an_image_that_cannot_be_stored_is_reported_by_name_and_line(
    db, file_element, line, reason
):
    xml = _one_image_question(file_element)
    with pytest.raises(ImportFileError) as caught:
        read_questions(xml, format="moodle-xml")
    [problem, _hint] = caught.value.problems
    assert problem.line == line
    assert "Embedded image 'pic.png' is not stored" in problem.message
    assert reason in problem.message

    file = read_questions(xml, format="moodle-xml", skip_unsupported=True)
    assert [p.line for p in file.skipped] == [line]
    assert file.images == []
    [question] = file.document["questions"]
    assert question["prompt"] == "Look \\[image: a picture\\]"


def test_an_embedded_file_that_is_no_image_is_reported(db):
    xml = _one_image_question(
        '<file name="a.mp3" encoding="base64">SUQz</file>', src="x"
    ).replace("Look <img", '<a href="@@PLUGINFILE@@/a.mp3">listen</a> <img')
    with pytest.raises(ImportFileError, match="line 6: Embedded file 'a.mp3'"):
        read_questions(xml, format="moodle-xml")


def test_moodles_nested_categories_file_imports_its_true_false_questions(db):
    file = read_questions(
        (DATA / "nested_categories_with_questions.xml").read_bytes(),
        format="moodle-xml",
        skip_unsupported=True,
    )
    questions_import(document=check_document(file.document))

    assert [str(p) for p in file.skipped] == [
        "line 55: Question 'Kappa Essay Question': essay questions (type 'essay') "
        "are not supported by this trainer"
    ]
    assert {
        q.slug: (q.type, q.true_false_answer, [t.slug for t in q.topics.all()])
        for q in Question.objects.all()
    } == {
        "iota-question": ("true_false", True, ["iota"]),
        "kappa-question": ("true_false", True, ["kappa"]),
        "lambda-question": ("true_false", True, ["lambda"]),
        "mu-question": ("true_false", True, ["mu"]),
    }
    assert Topic.objects.get(slug="kappa").description == (
        "This is Kappa category for test"
    )
    assert Question.objects.get(slug="mu-question").prompt == "Testing Mu Question"


def test_moodles_true_false_file_with_images_stores_every_image(db, client, alice):
    """Moodle's own export of two true/false questions, with JPEG images in the
    question text, the general feedback and each answer's feedback."""
    _, skipped = _import((DATA / "truefalse_with_files.xml").read_bytes())

    assert skipped == []
    assert QuestionImage.objects.count() == 4
    assert set(QuestionImage.objects.values_list("content_type", flat=True)) == {
        "image/jpeg"
    }
    logo = QuestionImage.objects.get(name="logo.jpg")
    url = f"/question-images/{logo.sha256}"
    false_one = Question.objects.get(slug="moodle-acronym-false")
    assert false_one.type == "true_false"
    assert false_one.true_false_answer is False
    assert false_one.prompt == (
        f"Moodle ![Moodle logo]({url}) is an acronym for Modular Object-Oriented "
        "Dynamic Learning Education."
    )
    # The general feedback, then each answer's feedback, which has no other place.
    assert false_one.explanation.startswith("![Informations](/question-images/")
    assert "[documentation about Moodle](http://docs.moodle.org/en/About_Moodle)" in (
        false_one.explanation
    )
    assert "Your answer is incorrect." in false_one.explanation
    assert Question.objects.get(slug="moodle-acronym-true").true_false_answer is True
    assert [t.name for t in false_one.topics.all()] == ["TrueFalse"]
    client.force_login(alice)
    response = client.get(url)
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == bytes(logo.data)


def test_moodles_multichoice_file_with_a_sound_reports_the_sound(db):
    """Moodle's own export whose question links an MP3: not an image, so it
    is named with its line, and nothing is imported."""
    with pytest.raises(ImportFileError) as caught:
        read_questions(
            (DATA / "multichoice_with_files.xml").read_bytes(), format="moodle-xml"
        )
    assert caught.value.problems[0].line == 18
    assert "'bonjour.mp3'" in caught.value.problems[0].message
    assert not Question.objects.exists()


def test_moodles_matching_question_is_no_responsibility_sort(db):
    with pytest.raises(ImportFileError) as caught:
        read_questions(
            (DATA / "match_testquestion.moodle.xml").read_bytes(), format="moodle-xml"
        )
    assert caught.value.problems[0].line == 12
    assert "'matching-001'" in caught.value.problems[0].message
    assert "responsibility sort" in caught.value.problems[0].message


def test_moodles_short_answer_with_partial_credit_is_reported(db):
    with pytest.raises(ImportFileError) as caught:
        read_questions(
            (DATA / "shortanswer_testquestion.moodle.xml").read_bytes(),
            format="moodle-xml",
        )
    assert caught.value.problems[0].line == 12
    assert "'toad' earns 80%" in caught.value.problems[0].message


def _matching(subject_tag: str, pairs: list[tuple[str, str]]) -> str:
    subs = "".join(
        f"<subquestion format='html'><text>{area}</text>"
        f"<answer><text>{owner}</text></answer></subquestion>\n"
        for area, owner in pairs
    )
    return (
        "<quiz>\n<question type='matching'><name><text>Sort it</text></name>\n"
        "<questiontext format='html'><text>Who owns what?</text></questiontext>\n"
        f"{subs}<tags><tag><text>{subject_tag}</text></tag></tags>\n"
        "</question>\n</quiz>"
    )


def test_a_matching_question_that_agrees_with_the_model_is_a_sort(content):
    category = ServiceCategory.objects.first()
    key = sort_key(category=category)
    labels = dict(Owner.choices)
    pairs = [(item.area_name, labels[item.owner]) for item in key[:2]]
    xml = _matching(f"srt-sort-category:{category.slug}", pairs)

    questions_import(
        document=check_document(read_questions(xml, format="moodle-xml").document)
    )

    question = Question.objects.get(slug="sort-it")
    assert question.type == "sort"
    assert question.sort_category == category
    assert sorted(a.slug for a in question.sort_areas.all()) == sorted(
        item.area_slug for item in key[:2]
    )


def test_a_matching_question_that_disagrees_with_the_model_is_reported(content):
    category = ServiceCategory.objects.first()
    item = sort_key(category=category)[0]
    wrong = next(o for o in Owner if o.value != item.owner)
    xml = _matching(
        f"srt-sort-category:{category.slug}", [(item.area_name, wrong.label)]
    )

    with pytest.raises(ImportFileError) as caught:
        read_questions(xml, format="moodle-xml")
    assert caught.value.problems[0].line == 2
    assert "does not agree with the responsibility model" in str(caught.value)
    assert "line 4" in str(caught.value)  # the sub-question


# Hostile and broken files: a clear problem with its line, never a crash


@pytest.mark.parametrize(
    ("xml", "line", "words"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY a "aaaa">\n'
            '<!ENTITY b "&a;&a;&a;&a;">\n]>\n<quiz>&b;</quiz>',
            2,
            "DTD",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n'
            "<quiz/>",
            2,
            "DTD",
        ),
        ("<quiz>\n<question type='truefalse'>\n</quiz>", 3, "Not valid XML"),
        ("<questions>\n</questions>", 1, "a <quiz> root"),
        ("", 1, "Not valid XML"),
    ],
)
def test_a_hostile_or_broken_file_is_one_clear_problem(db, xml, line, words):
    with pytest.raises(ImportFileError) as caught:
        read_questions(xml, format="moodle-xml")
    [problem] = caught.value.problems
    assert problem.line == line
    assert words in problem.message


def test_a_file_over_ten_megabytes_is_refused(db):
    xml = "<quiz>" + " " * (10 * 1024 * 1024) + "</quiz>"
    with pytest.raises(ImportFileError, match="larger than 10 MB"):
        read_questions(xml, format="moodle-xml")


def test_more_than_5000_questions_is_refused_at_the_one_too_many(db):
    question = (
        "<question type='truefalse'><name><text>q</text></name>"
        "<questiontext><text>Q?</text></questiontext>"
        "<answer fraction='100'><text>true</text></answer></question>\n"
    )
    xml = "<quiz>\n" + question * 5001 + "</quiz>"
    with pytest.raises(ImportFileError) as caught:
        read_questions(xml, format="moodle-xml")
    [problem] = caught.value.problems
    assert problem.line == 5002
    assert "More than 5,000 questions" in problem.message


def test_each_bad_question_names_its_line_and_nothing_is_written(db):
    xml = (
        "<quiz>\n"
        "<question type='multichoice'><name><text>A</text></name>\n"
        "<questiontext><text>A?</text></questiontext><single>true</single>\n"
        "<answer fraction='50'><text>x</text></answer>\n"
        "<answer fraction='lots'><text>y</text></answer>\n"
        "</question>\n"
        "<question type='truefalse'><name><text>B</text></name>\n"
        "<questiontext><text></text></questiontext>\n"
        "<answer fraction='100'><text>maybe</text></answer>\n"
        "</question>\n"
        "</quiz>"
    )
    with pytest.raises(ImportFileError) as caught:
        _import(xml)
    lines = [(p.line, p.message) for p in caught.value.problems]
    assert (5, "The answer's fraction 'lots' is not a number.") in lines
    assert (7, "Question 'B' has no question text.") in lines
    assert (9, "Question 'B': a true/false answer must be true or false.") in lines
    assert not Question.objects.exists()


def test_an_overlong_answer_is_refused_cleanly(db):
    xml = (
        "<quiz>\n<question type='multichoice'><name><text>A</text></name>\n"
        "<questiontext><text>A?</text></questiontext><single>true</single>\n"
        f"<answer fraction='100'><text>{'x' * 501}</text></answer>\n"
        "<answer fraction='0'><text>y</text></answer>\n</question>\n</quiz>"
    )
    with pytest.raises(ImportFileError, match="line 4: .*longer than 500"):
        read_questions(xml, format="moodle-xml")


@pytest.mark.parametrize(
    ("name", "data", "format"),
    [
        ("export.xml", b"", "moodle-xml"),
        ("export.txt", b'\xef\xbb\xbf<?xml version="1.0"?>\n<quiz>', "moodle-xml"),
        ("bank.yaml", b"questions: []", "yaml"),
        ("bank.gift", b"Q? {T}", "gift"),
    ],
)
def test_the_format_is_guessed_from_the_name_or_the_quiz_root(name, data, format):
    assert guess_format(name, data) == format


# The admin's import form


def test_the_admin_import_lists_unsupported_questions_and_imports_nothing(
    client, admin_user, content
):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("course.xml", (DATA / "course_export.xml").read_bytes())
    response = client.post(
        reverse("admin:quizzes_question_import"), {"file": upload, "format": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "line 66: Question &#x27;Explain least privilege&#x27;" in page
    assert not Question.objects.exists()


def test_the_admin_import_skips_unsupported_questions_when_ticked(
    client, admin_user, content
):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("course.xml", (DATA / "course_export.xml").read_bytes())
    response = client.post(
        reverse("admin:quizzes_question_import"),
        {"file": upload, "format": "moodle-xml", "skip_unsupported": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "Imported: 1 images created, 4 questions created, 2 topics created" in page
    assert "Skipped: line 66: Question &#x27;Explain least privilege&#x27;" in page
    assert Question.objects.count() == 4


def test_the_admin_exports_moodle_xml(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:quizzes_question_export"), {"format": "moodle-xml"}
    )
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].endswith('.xml"')
    assert read_questions(response.content, format="moodle-xml").skipped == []


# Images go out and come back, and survive a backup


def test_images_are_exported_as_moodle_files_and_come_back(content):
    _import((DATA / "course_export.xml").read_bytes(), skip_unsupported=True)
    before = _snapshot()
    image = QuestionImage.objects.get()
    xml = questions_moodle_xml()
    assert '<file name="account diagram.png" path="/" encoding="base64">' in xml
    assert "@@PLUGINFILE@@/account%20diagram.png" in xml

    _empty_the_bank()
    QuestionImage.objects.all().delete()
    _import(xml)

    assert _snapshot() == before
    assert bytes(QuestionImage.objects.get(sha256=image.sha256).data) == bytes(
        image.data
    )


# A restore truncates tables, which PostgreSQL refuses inside the per-test
# transaction once rows are pending; this test commits like a real restore.
@pytest.mark.django_db(transaction=True)
def test_stored_images_survive_a_backup_and_restore(content, tmp_path):
    _import((DATA / "course_export.xml").read_bytes(), skip_unsupported=True)
    image = QuestionImage.objects.get()
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    QuestionImage.objects.all().delete()

    call_command("restore", str(path), "--replace", verbosity=0)

    restored = QuestionImage.objects.get()
    assert (restored.sha256, restored.content_type, bytes(restored.data)) == (
        image.sha256,
        image.content_type,
        bytes(image.data),
    )


# Categories: one rule for GIFT and Moodle XML


def test_a_category_named_like_an_existing_topic_files_its_questions_there(bank):
    Topic.objects.filter(slug="iam-groups").update(name="Groups and users")
    gift = "$CATEGORY: $course$/top/AWS/Groups and users\n\n::g::Q? {T}"
    xml = (
        "<quiz><question type='category'><category>"
        "<text>$course$/top/Groups and users</text></category></question>"
        "<question type='truefalse'><name><text>x</text></name>"
        "<questiontext><text>Q?</text></questiontext>"
        "<answer fraction='100'><text>true</text></answer></question></quiz>"
    )
    for text, format in [(gift, "gift"), (xml, "moodle-xml")]:
        document = read_questions(text, format=format).document
        assert document["topics"] == []
        assert document["questions"][0]["topics"] == ["iam-groups"]


def test_gift_and_moodle_xml_make_the_same_topic_of_the_same_path(db):
    path = "$course$/top/Cloud security/IAM Roles"
    gift = f"$CATEGORY: {path}\n\n::g::Q? {{T}}"
    xml = (
        f"<quiz><question type='category'><category><text>{path}</text>"
        "</category></question>"
        "<question type='truefalse'><name><text>x</text></name>"
        "<questiontext><text>Q?</text></questiontext>"
        "<answer fraction='100'><text>true</text></answer></question></quiz>"
    )
    topics = [
        read_questions(text, format=format).document["topics"]
        for text, format in [(gift, "gift"), (xml, "moodle-xml")]
    ]
    assert (
        topics[0]
        == topics[1]
        == [
            {
                "slug": "iam-roles",
                "name": "IAM Roles",
                "description": "Imported from the Moodle question category "
                "Cloud security / IAM Roles.",
                "__line__": 1,
            }
        ]
    )


def test_two_paths_ending_in_the_same_name_are_two_topics(db):
    """IAM/Roles and S3/Roles in one file: the second is named after its
    parent, and a third mention of IAM/Roles goes back to the first."""
    paths = ["IAM/Roles", "S3/Roles", "IAM/Roles"]
    gift = "".join(
        f"$CATEGORY: $course$/top/{path}\n\n::q{number}::Q{number}? {{T}}\n\n"
        for number, path in enumerate(paths)
    )
    xml = (
        "<quiz>"
        + "".join(
            f"<question type='category'><category><text>$course$/top/{path}</text>"
            "</category></question>"
            f"<question type='truefalse'><name><text>q{number}</text></name>"
            f"<questiontext><text>Q{number}?</text></questiontext>"
            "<answer fraction='100'><text>true</text></answer></question>"
            for number, path in enumerate(paths)
        )
        + "</quiz>"
    )
    for text, format in [(gift, "gift"), (xml, "moodle-xml")]:
        document = read_questions(text, format=format).document
        assert [(t["slug"], t["name"]) for t in document["topics"]] == [
            ("roles", "Roles"),
            ("s3-roles", "S3 / Roles"),
        ], format
        assert [q["topics"] for q in document["questions"]] == [
            ["roles"],
            ["s3-roles"],
            ["roles"],
        ], format
        assert document["topics"][1]["description"] == (
            "Imported from the Moodle question category S3 / Roles."
        )


def test_a_topic_problem_names_the_line_of_its_category(db):
    xml = (
        "<quiz>\n"
        + "".join(
            f"<question type='category'><category><text>$course$/top/{path}</text>"
            f"</category><idnumber>{idnumber}</idnumber></question>\n"
            "<question type='truefalse'><name><text>q</text></name>"
            "<questiontext><text>Q?</text></questiontext>"
            "<answer fraction='100'><text>true</text></answer></question>\n"
            for path, idnumber in [("IAM/Roles", "iam-roles"), ("S3/Roles", "s3-roles")]
        )
        + "</quiz>"
    )

    with pytest.raises(ImportFileError) as caught:
        check_document(read_questions(xml, format="moodle-xml").document)
    [problem] = caught.value.problems
    assert problem.line == 4
    assert "The topic name 'Roles' is taken by 'iam-roles'" in problem.message


def test_a_gift_file_mixing_types_imports_what_it_can_with_skip_unsupported(
    db, tmp_path, capsys
):
    path = tmp_path / "mixed.gift"
    path.write_text(
        "$CATEGORY: $course$/top/IAM\n\n"
        "::tf::Groups nest. {F}\n\n"
        "::match::Match. {=a -> b =c -> d =e -> f}\n\n"
        "::num::How many? {#3}\n\n"
        "::essay::Explain. {}\n\n"
        "Words {~a =b} in the middle.\n\n"
        "Just a description.\n\n"
        "::single::Pick. {=a ~b}\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_questions", str(path))
    assert [line for line in str(caught.value).splitlines() if "line" in line] == [
        "line 5: matching questions (=item -> match) are not supported by this trainer",
        "line 9: essay questions ({}) are not supported by this trainer",
        "line 11: missing-word questions (text after the {...} answer block) are "
        "not supported by this trainer",
        "line 13: description items (text with no {...} answer block) are not "
        "supported by this trainer",
    ]

    call_command("import_questions", str(path), skip_unsupported=True)
    out = capsys.readouterr().out
    assert out.count("Skipped: line") == 4
    assert sorted(Question.objects.values_list("slug", flat=True)) == [
        "num",
        "single",
        "tf",
    ]
    assert Question.objects.get(slug="tf").needs_explanation


def test_moodle_files_each_exported_question_in_its_first_topics_category(bank):
    """Moodle puts a question in the category named last before it."""
    root = ET.fromstring(questions_moodle_xml())  # noqa: S314 - our own output
    names = {t.slug: t.name for t in Topic.objects.all()}
    current = None
    placed = {}
    for element in root:
        if element.get("type") == "category":
            current = element.findtext("category/text")
            continue
        placed[element.findtext("idnumber")] = current
    for question in Question.objects.prefetch_related("topics"):
        topics = list(question.topics.all())
        expected = f"$course$/top/{names[topics[0].slug]}" if topics else None
        assert placed[question.slug] == expected, question.slug


XML_ALPHABET = st.sampled_from(
    ["<quiz>", "</quiz>", "<question type='truefalse'>", "<question type='category'>",
     "</question>", "<text>", "</text>", "<answer fraction='100'>", "</answer>",
     "<questiontext format='html'>", "</questiontext>", "<category>", "</category>",
     "<name>", "</name>", "true", "$course$/top/a", "<![CDATA[<p>x</p>]]>", "&amp;",
     "<img src='@@PLUGINFILE@@/a.png'>", "<file name='a.png'>iVBO</file>", "\n", "<",
     "&", "]]>", "<!DOCTYPE quiz>", "<srtdata>{}</srtdata>", "<tags>", "</tags>"]
)  # fmt: skip


# The reader only reads the database (the responsibility areas), so one
# database serves every example.
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(XML_ALPHABET, max_size=40).map("".join))
def test_any_xml_like_text_gives_questions_or_located_problems(db, text):
    try:
        file = read_questions(text, format="moodle-xml", skip_unsupported=True)
    except ImportFileError as error:
        assert error.problems
        assert all(p.line is None or p.line >= 1 for p in error.problems)
    else:
        assert isinstance(file.document["questions"], list)


def test_the_admin_lists_stored_images_without_letting_anyone_edit_them(
    client, admin_user, content
):
    image = _one_png()
    client.force_login(admin_user)
    page = client.get(reverse("admin:quizzes_questionimage_changelist"))
    assert f"/question-images/{image.sha256}" in page.content.decode()
    assert f"{len(image.data):,} bytes" in page.content.decode()
    add = client.get(reverse("admin:quizzes_questionimage_add"))
    assert add.status_code == 403


@pytest.mark.parametrize(
    "srtdata",
    [
        '{"prompt": 5, "explanation": ["x"], "choices": [{"text": 7}, 3]}',
        '{"choices": [{"text": "a", "feedback": {"x": 1}}, {"text": "b"}]}',
        '{"sort_areas": [{"a": 1}], "source": 12}',
        "[1, 2]",
        "not json",
    ],
)
def test_odd_srtdata_is_a_problem_or_ignored_never_a_crash(content, srtdata):
    category = ServiceCategory.objects.first()
    labels = dict(Owner.choices)
    item = sort_key(category=category)[0]
    questions = [
        "<question type='multichoice'><name><text>m</text></name>"
        "<questiontext><text>Q?</text></questiontext><single>true</single>"
        "<answer fraction='100'><text>a</text></answer>"
        "<answer fraction='0'><text>b</text></answer>"
        f"<srtdata>{srtdata}</srtdata></question>",
        _matching(
            f"srt-sort-category:{category.slug}",
            [(item.area_name, labels[item.owner])],
        )
        .removeprefix("<quiz>\n")
        .removesuffix("\n</quiz>")
        .replace("</question>", f"<srtdata>{srtdata}</srtdata></question>"),
    ]
    xml = "<quiz>\n" + "\n".join(questions) + "\n</quiz>"
    try:
        file = read_questions(xml, format="moodle-xml")
        _import(xml)
    except ImportFileError as error:
        assert all(p.line for p in error.problems)
    else:
        assert len(file.document["questions"]) == 2
