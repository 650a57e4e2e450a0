"""Numerical questions: reading a number, grading within a tolerance, the answer
page, the admin, and YAML, GIFT and Moodle XML in and out."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from curriculum.files import ImportFileError
from quizzes.forms import AnswerForm
from quizzes.gift import parse_gift
from quizzes.grading import NumberError, grade, parse_number, response_labels
from quizzes.interchange import (
    check_document,
    dump_document,
    questions_export,
    questions_import,
    questions_moodle_xml,
    read_document,
    read_questions,
)
from quizzes.models import Answer, Question, QuestionType
from tests.quizzes.pages import position_of, question_url, start
from tests.quizzes.test_admin import _question_post

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "moodle"


def _numerical(answer: str, tolerance: str = "0") -> Question:
    return Question(
        slug="n",
        type=QuestionType.NUMERICAL,
        prompt="How many?",
        numerical_answer=Decimal(answer),
        numerical_tolerance=Decimal(tolerance),
    )


# --- reading a trainee's number ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", "2"),
        ("2.0", "2"),
        (" 2 ", "2"),
        ("+2", "2"),
        ("-0.5", "-0.5"),
        (".5", "0.5"),
        ("1,024", "1024"),
        ("1,234,567.25", "1234567.25"),
        ("1e3", "1000"),
        ("2.5E-1", "0.25"),
        ("0.1", "0.1"),  # exact: no float on the way
    ],
)
def test_a_number_is_read_exactly_and_leniently(text, number):
    assert parse_number(text) == Decimal(number)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a number."),
        ("   ", "Type a number."),
        ("two", "Type a number using digits"),
        ("2 keys", "Type a number using digits"),
        ("NaN", "Type a number using digits"),
        ("inf", "Type a number using digits"),
        ("-Infinity", "Type a number using digits"),
        ("1,02", "Type a number using digits"),
        ("1.024,5", "Type a number using digits"),
        (",5", "Type a number using digits"),
        ("0x10", "Type a number using digits"),
        ("1_000", "Type a number using digits"),
        ("1e", "Type a number using digits"),
        ("1" * 41, "at most 40 characters"),
        ("1e31", "too large or too small"),
        ("1e-31", "too large or too small"),
    ],
)
def test_what_is_no_number_is_refused_with_a_reason(text, message):
    with pytest.raises(NumberError, match=re.escape(message)):
        parse_number(text)


# --- grading ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "right"),
    [("2", True), ("2.000", True), ("1.5", True), ("2.5", True), ("2.51", False)],
)
def test_an_answer_within_the_tolerance_is_right(given, right):
    question = _numerical("2", "0.5")
    assert grade(question, {"number": given}).is_correct is right


def test_without_a_tolerance_only_the_number_itself_is_right():
    question = _numerical("2048")
    assert grade(question, {"number": "2048"}).score == 1
    assert grade(question, {"number": "2048.000001"}).score == 0
    assert grade(question, {"number": "2047"}).score == 0


def test_the_feedback_shows_the_number_and_any_tolerance():
    assert grade(_numerical("2048"), {"number": "1"}).detail == "Accepted: 2048"
    assert grade(_numerical("2", "0.5"), {"number": "1"}).detail == (
        "Accepted: 2, give or take 0.5 (anything from 1.5 to 2.5)"
    )


def test_an_empty_or_broken_saved_response_is_wrong_not_an_error():
    question = _numerical("2")
    assert grade(question, {}).score == 0
    assert grade(question, {"number": "nonsense"}).score == 0
    assert response_labels(question, {}) == []


def test_the_response_reads_as_the_number_given():
    [label] = response_labels(_numerical("1024"), {"number": "1024.0"})
    assert (label.text, label.right) == ("1024", True)


def test_an_answer_from_when_the_question_was_a_short_answer_still_reads():
    """cloudtrail-event-history-days was a short answer; answers typed then
    ({"text": ...}) keep their number, and words stay unreadable, not errors."""
    question = _numerical("90")
    [label] = response_labels(question, {"text": "90"})
    assert (label.text, label.right) == ("90", True)
    assert grade(question, {"text": "90"}).score == 1
    assert grade(question, {"text": "ninety days"}).score == 0
    assert response_labels(question, {"text": "ninety days"}) == []


# --- the answer form and the question page ----------------------------------------


def test_the_control_is_a_labelled_decimal_text_input(questions):
    form = AnswerForm(question=questions["access-keys-count"])
    [control] = form.controls()
    assert (control.kind, control.inputmode, control.label) == (
        "text",
        "decimal",
        "Your answer (a number)",
    )
    assert not AnswerForm(
        {"number": "abc"}, question=questions["access-keys-count"]
    ).is_valid()


def test_the_form_turns_a_number_into_the_saved_response(questions):
    form = AnswerForm({"number": " 1,024 "}, question=questions["access-keys-count"])
    assert form.is_valid()
    assert form.response() == {"number": "1024"}
    assert AnswerForm.initial_for(questions["access-keys-count"], {"number": "3"}) == {
        "number": "3"
    }


def _page(client, alice, questions):
    client.force_login(alice)
    attempt = start(client)
    position = position_of(attempt, questions["access-keys-count"])
    return attempt, question_url(attempt, position)


def test_posting_a_right_number_saves_it_and_shows_the_key(client, alice, questions):
    attempt, url = _page(client, alice, questions)
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page
    assert re.search(r'<label for="id_number"[^>]*>Your answer \(a number\)', page)

    response = client.post(url, {"number": " 2.0 "})

    assert response.status_code == 302
    answer = Answer.objects.get(
        attempt=attempt, question=questions["access-keys-count"]
    )
    assert (answer.response, answer.is_correct) == ({"number": "2.0"}, True)
    page = client.get(url).content.decode()
    assert "✔ Correct" in page
    assert "Accepted: 2" in page


def test_posting_a_wrong_number_is_graded_wrong(client, alice, questions):
    attempt, url = _page(client, alice, questions)
    client.post(url, {"number": "3"})
    answer = Answer.objects.get(
        attempt=attempt, question=questions["access-keys-count"]
    )
    assert answer.is_correct is False
    assert "✘ Not correct" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Type a number."),
        ({"number": ""}, "Type a number."),
        ({"number": "two"}, "Type a number using digits"),
        ({"number": "NaN"}, "Type a number using digits"),
        ({"number": "Infinity"}, "Type a number using digits"),
        ({"number": "9" * 41}, "at most 40 characters"),
    ],
)
def test_what_is_no_number_is_a_form_error_and_nothing_is_saved(
    client, alice, questions, posted, message
):
    attempt, url = _page(client, alice, questions)
    response = client.post(url, posted)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'aria-describedby="id_number_error"' in page
    assert 'id="id_number_error"' in page
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_the_review_shows_the_number_given_and_the_right_one(client, alice, questions):
    attempt, url = _page(client, alice, questions)
    client.post(url, {"number": "1e1"})
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    page = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Your answer: <strong>10</strong>" in page
    assert "Accepted: 2" in page


# --- the admin --------------------------------------------------------------------


def _numerical_post(**fields) -> dict:
    return _question_post(
        **{
            "type": "numerical",
            "choices-TOTAL_FORMS": "0",
            "numerical_answer": "10240",
            "numerical_tolerance": "",
            **fields,
        }
    )


def test_the_admin_saves_a_numerical_question(client, admin_user, bank):
    client.force_login(admin_user)
    html = client.get(reverse("admin:quizzes_question_add")).content.decode()
    assert "question-type-numerical" in html

    response = client.post(reverse("admin:quizzes_question_add"), _numerical_post())

    assert response.status_code == 302
    question = Question.objects.get(slug="new-question")
    assert question.numerical_answer == Decimal("10240")
    assert question.numerical_tolerance == 0
    page = client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()
    assert 'value="10240"' in page  # not 10240.000000


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"numerical_answer": ""}, "Give the accepted number."),
        ({"numerical_tolerance": "-1"}, "The tolerance cannot be negative."),
        ({"numerical_answer": "1.1234567"}, "no more than 6 decimal places"),
        (
            {"numerical_answer": "1e12"},
            "no more than 9 digits before the decimal point",
        ),
    ],
)
def test_the_admin_refuses_a_numerical_question_without_a_usable_number(
    client, admin_user, bank, fields, message
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:quizzes_question_add"), _numerical_post(**fields)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(slug="new-question").exists()


def test_another_type_does_not_keep_a_hidden_number(client, admin_user, bank):
    client.force_login(admin_user)
    client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(numerical_answer="5", numerical_tolerance="1"),
    )
    question = Question.objects.get(slug="new-question")
    assert (question.numerical_answer, question.numerical_tolerance) == (None, 0)


def test_the_preview_shows_the_numerical_question_and_its_key(client, admin_user, bank):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:quizzes_question_preview_new"),
        _numerical_post(numerical_answer="2", numerical_tolerance="0.5"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'inputmode="decimal"' in html
    assert "Accepted: 2 ± 0.5" in html
    assert not Question.objects.filter(slug="new-question").exists()

    saved = Question.objects.get(slug="access-keys-count")
    response = client.get(reverse("admin:quizzes_question_preview", args=[saved.pk]))
    assert "Accepted: 2</p>" in response.content.decode()


# --- YAML and JSON ------------------------------------------------------------------


YAML = """\
questions:
  - slug: role-inline-size
    type: numerical
    prompt: How many characters?
    explanation: Because.
    answer: 10240
    tolerance: 0.5
"""


def test_yaml_numerical_questions_import_and_export(db):
    questions_import(document=check_document(read_document(YAML, format="yaml")))
    question = Question.objects.get(slug="role-inline-size")
    assert question.numerical_answer == Decimal("10240")
    assert question.numerical_tolerance == Decimal("0.5")
    [entry] = questions_export(with_quizzes=False)["questions"]
    assert (entry["answer"], entry["tolerance"]) == (10240, 0.5)
    assert "true_false" not in entry and question.true_false_answer is None


def test_tolerance_defaults_to_zero(db):
    text = YAML.replace("    tolerance: 0.5\n", "")
    questions_import(document=check_document(read_document(text, format="yaml")))
    assert Question.objects.get().numerical_tolerance == 0


@pytest.mark.parametrize("format", ["yaml", "json"])
def test_numbers_with_decimals_round_trip_exactly(bank, format):
    Question.objects.filter(slug="access-keys-count").update(
        numerical_answer=Decimal("123456789.123456"),
        numerical_tolerance=Decimal("0.000001"),
    )
    exported = questions_export(with_quizzes=False)
    text = dump_document(exported, format=format)
    Question.objects.filter(slug="access-keys-count").delete()
    questions_import(document=check_document(read_document(text, format=format)))
    question = Question.objects.get(slug="access-keys-count")
    assert question.numerical_answer == Decimal("123456789.123456")
    assert question.numerical_tolerance == Decimal("0.000001")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    answer: 10240\n", "", "Give the accepted number."),
        ("answer: 10240", "answer: ten", "answer must be a number, not 'ten'"),
        ("answer: 10240", "answer: true", "answer must be a number, not True"),
        ("answer: 10240", "answer: .nan", "answer must be a finite number below"),
        (
            "answer: 10240",
            "answer: 1000000000",
            "answer must be a finite number below 1000000000 in size",
        ),
        ("tolerance: 0.5", "tolerance: 0.0000001", "tolerance has more than 6"),
        ("tolerance: 0.5", "tolerance: -1", "The tolerance cannot be negative."),
    ],
)
def test_a_bad_number_in_a_file_is_a_problem_naming_its_line(old, new, message):
    text = "# a comment\n" + YAML.replace(old, new)
    with pytest.raises(ImportFileError) as caught:
        check_document(read_document(text, format="yaml"))
    [problem] = caught.value.problems
    assert problem.line == 3
    assert message in problem.message


def test_a_tolerance_on_another_type_is_a_problem(db):
    text = YAML.replace("type: numerical", "type: true_false").replace(
        "answer: 10240", "answer: true"
    )
    with pytest.raises(ImportFileError, match="tolerance is only for numerical"):
        check_document(read_document(text, format="yaml"))


# --- GIFT -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "answer", "tolerance"),
    [
        ("{#2}", 2, 0),
        ("{#2:0.5}", 2, 0.5),
        ("{#1..3}", 2, 1),
        ("{#-1.5..-0.5}", -1, 0.5),
        ("{#=2:0 =%0%3#Not three.}", 2, 0),
        ("{#=%100%2048 ~#Count again.}", 2048, 0),
    ],
)
def test_gift_numerical_questions_import(block, answer, tolerance):
    [question] = parse_gift(f"::N::How many? {block}")
    assert question["type"] == "numerical"
    assert (question["answer"], question["tolerance"]) == (answer, tolerance)
    check_document({"questions": [question]})


def test_gift_wrong_answers_feedback_joins_the_explanation():
    [question] = parse_gift("N? {#=2#Right. =%0%3#Not three. ~#Count again.####Two.}")
    assert question["explanation"] == "Two.\n\nRight.\n\nNot three.\n\nCount again."


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("N?\n{#=2:0\n=%50%3}", 3, "weighted 50%: partial credit is not supported"),
        ("N?\n{#=2\n=3}", 3, "a second answer at 100%"),
        ("N? {#two}", 1, "the numerical answer 'two' is not a number"),
        ("N? {#3..1}", 1, "the range '3..1' is not two numbers"),
        ("N? {#2:-1}", 1, "the tolerance in '2:-1' is negative"),
        ("N? {#}", 1, "a numerical question needs an answer at 100%"),
    ],
)
def test_gift_numerical_problems_name_their_line(text, line, message):
    with pytest.raises(ImportFileError) as caught:
        read_questions(text, format="gift")
    [problem] = caught.value.problems
    assert problem.line == line
    assert message in problem.message


def test_gift_numbers_our_fields_cannot_keep_are_a_problem():
    document = read_questions("N? {#0.1234567}", format="gift").document
    with pytest.raises(ImportFileError, match="more than 6 decimals"):
        check_document(document)


# --- Moodle XML ---------------------------------------------------------------------


def _moodle(answers: str, extra: str = "") -> str:
    return (
        "<quiz>\n"
        "<question type='numerical'><name><text>Keys</text></name>\n"
        "<questiontext format='html'><text>How many keys?</text></questiontext>\n"
        "<generalfeedback format='html'><text>Two.</text></generalfeedback>\n"
        f"{answers}{extra}"
        "</question>\n</quiz>"
    )


RIGHT = (
    "<answer fraction='100'><text>2</text>\n"
    "<feedback format='html'><text>Yes.</text></feedback>\n"
    "<tolerance>0.5</tolerance></answer>\n"
)


def _read(xml: str, **options):
    return read_questions(xml, format="moodle-xml", **options)


def test_a_moodle_numerical_question_imports_with_its_tolerance(db):
    wrong = "<answer fraction='0'><text>*</text><tolerance>0</tolerance></answer>\n"
    document = _read(_moodle(RIGHT + wrong)).document
    questions_import(document=check_document(document))
    question = Question.objects.get(slug="keys")
    assert question.type == QuestionType.NUMERICAL
    assert (question.numerical_answer, question.numerical_tolerance) == (
        Decimal("2"),
        Decimal("0.5"),
    )
    assert question.explanation == "Two.\n\nYes."


def test_moodles_own_numerical_test_question_imports(db):
    xml = (DATA / "numerical_testquestion.moodle.xml").read_bytes()
    document = read_questions(xml, format="moodle-xml").document
    questions_import(document=check_document(document))
    question = Question.objects.get(slug="numerical-001")
    assert question.prompt == "What is the average of 4, 5, 6 and 10?"
    assert question.explanation == "The average is 6.25"
    assert (question.numerical_answer, question.numerical_tolerance) == (
        Decimal("6.25"),
        Decimal("0.05"),
    )
    assert [t.name for t in question.topics.all()] == ["Default for C1"]
    assert grade(question, {"number": "6.3"}).is_correct
    assert not grade(question, {"number": "6.31"}).is_correct


def test_one_unit_with_multiplier_one_is_left_out(db):
    units = (
        "<units><unit><multiplier>1</multiplier><unit_name>keys</unit_name></unit>"
        "</units>\n"
    )
    [question] = _read(_moodle(RIGHT, units)).document["questions"]
    assert question["answer"] == 2


@pytest.mark.parametrize(
    ("answers", "extra", "message"),
    [
        (
            RIGHT,
            "<units>\n<unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>"
            "<unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit>"
            "</units>\n",
            "its units (line 8) convert between units or scale the answer",
        ),
        (
            RIGHT,
            "<units><unit><multiplier>1000</multiplier><unit_name>k</unit_name></unit>"
            "</units>\n",
            "its units (line 8)",
        ),
        (
            RIGHT + RIGHT.replace("<text>2<", "<text>3<"),
            "",
            "it has 2 answers at 100% (lines 5, 8)",
        ),
        (
            RIGHT.replace("fraction='100'", "fraction='50'"),
            "",
            "earns 50%: partial credit is not supported",
        ),
    ],
)
def test_what_moodle_numerical_questions_we_cannot_keep_are_skippable_problems(
    db, answers, extra, message
):
    xml = _moodle(answers, extra)
    with pytest.raises(ImportFileError) as caught:
        _read(xml)
    assert message in str(caught.value)
    assert caught.value.problems[0].line == 2
    assert _read(xml, skip_unsupported=True).skipped[0].line == 2


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("<text>two</text>", "the answer 'two' is not a number"),
        ("<text>2</text><tolerance>-1</tolerance>", "the tolerance -1 is negative"),
        ("<text>2</text><tolerance>x</tolerance>", "the tolerance 'x' is not a number"),
    ],
)
def test_a_moodle_number_that_is_no_number_is_a_problem(db, answer, message):
    xml = _moodle(f"<answer fraction='100'>{answer}</answer>\n")
    with pytest.raises(ImportFileError, match=re.escape(message)):
        _read(xml)


def test_export_writes_moodle_numerical_and_reads_it_back(bank):
    Question.objects.filter(slug="access-keys-count").update(
        numerical_tolerance=Decimal("0.25")
    )
    xml = questions_moodle_xml(Question.objects.filter(slug="access-keys-count"))
    assert '<question type="numerical">' in xml
    assert re.search(r'<answer [^>]*fraction="100"[^>]*>\s*<text>2</text>', xml)
    assert "<tolerance>0.25</tolerance>" in xml
    assert "<units>" not in xml
    Question.objects.filter(slug="access-keys-count").delete()
    document = read_questions(xml, format="moodle-xml").document
    questions_import(document=check_document(document))
    question = Question.objects.get(slug="access-keys-count")
    assert (question.numerical_answer, question.numerical_tolerance) == (
        Decimal("2"),
        Decimal("0.25"),
    )


# --- statistics and dashboards ------------------------------------------------------


def test_statistics_count_one_number_however_it_was_written(alice, bob, questions):
    from quizzes.models import Quiz
    from quizzes.selectors import question_statistics
    from quizzes.services import answer_save, attempt_start, attempt_submit

    question = questions["access-keys-count"]
    for user, typed in [(alice, "3"), (bob, "3.0")]:
        attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=user)
        answer_save(attempt=attempt, question=question, response={"number": typed})
        attempt_submit(attempt=attempt)

    statistics = question_statistics(question)

    assert (statistics.answers, statistics.correct) == (2, 0)
    wrong = statistics.most_chosen_wrong
    assert (wrong.text, wrong.answers, wrong.trainees) == ("3", 2, 2)
