"""The GIFT reader: Moodle's syntax mapped onto our question format, no database."""

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.gift import (
    MAX_QUESTIONS,
    GiftError,
    GiftProblem,
    parse_gift,
    read_gift,
    slugify,
)

SAMPLE = Path(__file__).parent / "data" / "sample.gift"


def only(text: str) -> dict:
    """The one question in ``text``."""
    questions = parse_gift(text)
    assert len(questions) == 1
    return questions[0]


def problems(text: str) -> list[tuple[int, str]]:
    """The problems ``parse_gift`` reports for ``text``, as (line, message)."""
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    return [(problem.line, problem.message) for problem in caught.value.problems]


# The sample file


def test_sample_file_has_one_question_of_each_supported_type():
    questions = parse_gift(SAMPLE.read_text(encoding="utf-8"))

    assert [(q["slug"], q["type"]) for q in questions] == [
        ("groups-do-not-nest", "true_false"),
        ("root-user-powers", "single"),
        ("identity-policy-targets", "multiple"),
        ("username-policy-variable", "short"),
    ]
    assert all(q["topics"] == ["iam-basics"] for q in questions)
    assert all(q["difficulty"] == 1 and q["explanation"] for q in questions)


def test_sample_file_keys_are_the_iam_facts():
    by_slug = {q["slug"]: q for q in parse_gift(SAMPLE.read_text(encoding="utf-8"))}

    assert by_slug["groups-do-not-nest"]["answer"] is False
    root = by_slug["root-user-powers"]["choices"]
    assert [c["text"] for c in root if c["correct"]] == ["The root user"]
    targets = by_slug["identity-policy-targets"]["choices"]
    assert [c["text"] for c in targets if c["correct"]] == [
        "An IAM user",
        "An IAM user group",
        "An IAM role",
    ]
    assert by_slug["username-policy-variable"]["accepted_answers"] == [
        "${aws:username}",
        "aws:username",
    ]


def test_sample_file_dicts_have_exactly_the_question_format_keys():
    common = {"slug", "type", "prompt", "explanation", "difficulty", "topics"}
    extra = {
        "true_false": {"answer"},
        "single": {"choices"},
        "multiple": {"choices"},
        "short": {"accepted_answers"},
    }
    for question in parse_gift(SAMPLE.read_text(encoding="utf-8")):
        assert set(question) == common | extra[question["type"]]


# Single choice


def test_one_equals_answer_is_single_choice_with_feedback():
    question = only(
        "::Q::Who is buried in Grant's tomb?\n"
        "{~Grant #He was moved later =No one #Right ~Napoleon ####Nobody is.}"
    )

    assert question["type"] == "single"
    assert question["prompt"] == "Who is buried in Grant's tomb?"
    assert question["choices"] == [
        {"text": "Grant", "correct": False, "feedback": "He was moved later"},
        {"text": "No one", "correct": True, "feedback": "Right"},
        {"text": "Napoleon", "correct": False, "feedback": ""},
    ]
    assert question["explanation"] == "Nobody is."


def test_single_choice_without_general_feedback_explains_with_correct_feedback():
    question = only("Pick b. {~a #No =b #Because b is right. ~c}")

    assert question["explanation"] == "Because b is right."


def test_negative_weight_next_to_equals_answer_is_a_wrong_choice():
    question = only("Pick b. {~%-50%a =b ~c ####b.}")

    assert [c["correct"] for c in question["choices"]] == [False, True, False]


def test_several_equals_answers_with_tilde_are_refused():
    [(line, message)] = problems("Pick. {=a =b ~c ####x}")

    assert line == 1
    assert "several = answers" in message


def test_partial_credit_next_to_equals_answer_is_refused():
    [(_, message)] = problems("Pick. {=a ~%50%b ~c ####x}")

    assert "partial credit" in message


def test_multiple_choice_needs_two_answers():
    [(_, message)] = problems("Pick. {~%100%a ####x}")

    assert "at least two answers" in message


def test_text_before_the_first_choice_is_refused():
    [(_, message)] = problems("Pick. {stray ~a =b ####x}")

    assert "text before the first answer" in message


# Multiple answer


def test_several_positive_weights_make_a_multiple_answer_question():
    question = only("Which two? {~%50%a #yes ~%50%b ~%-100%c #no ~%0%d ####a and b.}")

    assert question["type"] == "multiple"
    assert [(c["text"], c["correct"]) for c in question["choices"]] == [
        ("a", True),
        ("b", True),
        ("c", False),
        ("d", False),
    ]
    assert question["choices"][2]["feedback"] == "no"


def test_thirds_written_with_five_decimals_add_up_to_100():
    question = only("Which? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~d ####x}")

    assert sum(c["correct"] for c in question["choices"]) == 3


def test_positive_weights_must_add_up_to_100():
    [(_, message)] = problems("Which? {~%50%a ~%20%b ~c ####x}")

    assert "add up to 70%" in message


def test_tilde_answers_with_no_positive_weight_have_no_correct_answer():
    [(_, message)] = problems("Which? {~a ~%-50%b ####x}")

    assert "no correct answer" in message


def test_weight_that_is_not_a_number_is_refused():
    [(_, message)] = problems("Which? {~%lots%a ~%100%b ####x}")

    assert "weight %lots%" in message


# True or false


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)],
)
def test_true_false_answers(block, answer):
    question = only(f"The sky is blue. {block.replace('}', '####Why.}')}")

    assert question["type"] == "true_false"
    assert question["answer"] is answer
    assert question["prompt"] == "The sky is blue."


def test_true_false_feedback_goes_into_the_explanation():
    question = only("Groups nest. {FALSE#Wrong: they do not.#Right.####Users only.}")

    assert question["explanation"] == "Users only.\n\nWrong: they do not.\n\nRight."


def test_true_false_feedback_alone_is_the_explanation():
    question = only("Groups nest. {F #Groups hold users only.}")

    assert question["explanation"] == "Groups hold users only."


def test_lower_case_true_is_a_short_answer_as_in_moodle():
    question = only("Opposite of false? {true ####It is true.}")

    assert question["type"] == "short"
    assert question["accepted_answers"] == ["true"]


# Short answer


def test_equals_answers_only_make_a_short_answer_question():
    question = only("Who is buried in Grant's tomb? {=no one =nobody ####Nobody.}")

    assert question["type"] == "short"
    assert question["accepted_answers"] == ["no one", "nobody"]
    assert question["explanation"] == "Nobody."


def test_a_single_bare_answer_is_a_short_answer():
    question = only("Two plus two? {four ####Arithmetic.}")

    assert question["accepted_answers"] == ["four"]


def test_short_answer_feedback_is_appended_to_the_explanation():
    question = only("Two plus two? {=4 #Digits work. =four #Words too. ####Sums.}")

    assert question["explanation"] == "Sums.\n\nDigits work.\n\nWords too."


def test_short_answer_weighted_100_is_accepted():
    question = only("Two plus two? {=%100%four ####Sums.}")

    assert question["accepted_answers"] == ["four"]


def test_short_answer_partial_credit_is_refused():
    [(_, message)] = problems("Two plus two? {=four =%50%for ####Sums.}")

    assert "partial credit" in message


def test_short_answer_wildcard_is_refused():
    [(_, message)] = problems("Name a bucket. {=bucket* ####Any.}")

    assert "wildcard" in message


def test_general_feedback_becomes_the_explanation():
    question = only("Q? {=a ####[markdown]**Because.**}")

    assert question["explanation"] == "**Because.**"


def test_question_with_no_feedback_at_all_has_an_empty_explanation():
    # Issue 18: such questions import, and the admin lists them as needing one.
    question = only("\n::Q::Pick. {=a ~b}")

    assert question["explanation"] == ""
    assert question["choices"] == [
        {"text": "a", "correct": True, "feedback": ""},
        {"text": "b", "correct": False, "feedback": ""},
    ]


# Unsupported types: a problem on the question's first line


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Match. {=cat -> cat food =dog -> dog food ####x}", "matching"),
        ("How are you? {}", "essay"),
        ("How are you? {####We hope well.}", "essay"),
        ("Grant is {~buried =entombed ~living} in Grant's tomb.", "missing-word"),
        ("Just some text to read.", "description"),
    ],
)
def test_unsupported_types_are_problems_at_the_question_line(question, kind):
    text = (
        f"// heading\n\n::Fine::Fine? {{T####x}}\n\n// about the next one\n{question}"
    )

    [(line, message)] = problems(text)

    assert line == 6
    assert kind in message
    assert "not supported by this trainer" in message


def test_skip_unsupported_lists_each_skipped_question_and_keeps_the_rest():
    text = (
        "::Fine::Fine? {T####x}\n\n"
        "Match. {=cat -> cat food =dog -> dog food}\n\n"
        "Tell us about it. {}\n\n"
        "Grant is {~buried =entombed} in {=Grant's} tomb.\n\n"
        "Just text.\n\n"
        "::Also fine::Fine? {F}"
    )

    bank = read_gift(text, skip_unsupported=True)

    assert [q["slug"] for q in bank.questions] == ["fine", "also-fine"]
    assert [(p.line, p.unsupported) for p in bank.skipped] == [
        (3, True),
        (5, True),
        (7, True),
        (9, True),
    ]
    assert "matching" in bank.skipped[0].message
    assert "essay" in bank.skipped[1].message
    assert "missing-word" in bank.skipped[2].message
    assert "description" in bank.skipped[3].message


def test_skip_unsupported_still_refuses_other_problems():
    with pytest.raises(GiftError) as caught:
        read_gift("Essay? {}\n\nBroken? {=a", skip_unsupported=True)

    assert [(p.line, p.unsupported) for p in caught.value.problems] == [(3, False)]


def test_without_skip_unsupported_the_file_fails_with_every_unsupported_question():
    with pytest.raises(GiftError) as caught:
        read_gift("Essay? {}\n\nMatch. {=a -> b =c -> d}\n\nOk? {T}")

    assert [p.line for p in caught.value.problems] == [1, 3]


def test_unsupported_question_spanning_lines_reports_its_first_line():
    [(line, _)] = problems("::M::\nMatch.\n{\n=a -> b\n=c -> d\n}")

    assert line == 1


def test_two_answer_blocks_are_refused_at_the_second():
    [(line, message)] = problems("A {=a} and\nB {=b}.")

    assert line == 2
    assert "second answer block" in message


# Braces and titles


def test_unclosed_brace_is_a_problem_at_its_line():
    assert problems("Question\n{=a") == [(2, "{ is never closed by }")]


def test_closing_brace_without_opening_is_a_problem_at_its_line():
    [(line, message)] = problems("Question\nthat ends } here")

    assert line == 2
    assert "} with no {" in message


def test_brace_inside_the_answer_block_is_a_problem():
    [(line, message)] = problems("Q {\n=a\n=b { c\n}")

    assert line == 3
    assert "{ inside the answer block" in message


def test_title_without_closing_colons_is_a_problem():
    [(_, message)] = problems("::Unfinished title Q {T####x}")

    assert "no closing ::" in message


def test_question_without_prompt_is_a_problem():
    [(_, message)] = problems("::Title::{T####x}")

    assert "no text" in message


def test_empty_choice_is_a_problem_at_its_line():
    [(line, message)] = problems("Pick.\n{\n=a\n~\n~c\n####x}")

    assert (line, message) == (4, "an empty answer")


def test_choice_longer_than_the_choice_field_is_a_problem():
    [(line, message)] = problems(f"Pick.\n{{={'a' * 501}\n~b ####x}}")

    assert line == 2
    assert "longer than 500 characters" in message


# Escapes, comments, markers, layout


def test_escaped_characters_are_literal():
    question = only(
        r"::a\:b::Is 1 \= 1 \{always\} \~ \#? {=yes \# sure ~no \: never ####\#1}"
    )

    assert question["slug"] == "a-b"
    assert question["prompt"] == "Is 1 = 1 {always} ~ #?"
    assert [c["text"] for c in question["choices"]] == ["yes # sure", "no : never"]
    assert question["explanation"] == "#1"


def test_backslash_n_is_a_line_break_and_double_backslash_a_backslash():
    question = only(r"Line one\nline two \\ and C:\dir? {T####x}")

    assert question["prompt"] == "Line one\nline two \\ and C:\\dir?"


def test_comment_lines_are_ignored_anywhere():
    text = (
        "// file header\n"
        "   // indented comment\n"
        "\n"
        "// only comments here\n"
        "\n"
        "::Q:: Pick.\n"
        "// inside the question\n"
        "{=a\n"
        "  // between answers\n"
        "~b ####x}\n"
    )

    question = only(text)

    assert [c["text"] for c in question["choices"]] == ["a", "b"]


def test_format_markers_are_stripped_and_text_kept():
    question = only(
        "::T::[html]<b>Bold</b> question "
        "{=[plain]yes #[moodle]good ~no ####[markdown]x}"
    )

    assert question["prompt"] == "<b>Bold</b> question"
    assert question["choices"][0] == {
        "text": "yes",
        "correct": True,
        "feedback": "good",
    }
    assert question["explanation"] == "x"


def test_multi_line_questions_and_answers():
    text = (
        "::Multi::A question\n"
        "over two lines?\n"
        "{\n"
        "    =an answer\n"
        "     on two lines #and feedback\n"
        "     too\n"
        "    ~wrong\n"
        "    ####General feedback\n"
        "    on two lines.\n"
        "}\n"
    )

    question = only(text)

    assert question["prompt"] == "A question\nover two lines?"
    assert question["choices"][0] == {
        "text": "an answer\non two lines",
        "correct": True,
        "feedback": "and feedback\ntoo",
    }
    assert question["explanation"] == "General feedback\non two lines."


def test_blank_lines_separate_questions():
    questions = parse_gift("A? {T####x}\n \n\t\nB? {F####y}\n\n\n\nC? {=c ####z}")

    assert [q["prompt"] for q in questions] == ["A?", "B?", "C?"]


def test_crlf_line_endings_and_byte_order_mark():
    text = "\ufeff::One::A?\r\n{T####x}\r\n\r\n::Two::B? {F####y}\r\n"

    questions = parse_gift(text)

    assert [q["slug"] for q in questions] == ["one", "two"]
    assert questions[0]["prompt"] == "A?"


def test_crlf_line_numbers_count_lines():
    [(line, _)] = problems("\ufeffA? {T####x}\r\n\r\n\r\nB? {####x}\r\n")

    assert line == 4


def test_old_mac_line_endings():
    questions = parse_gift("A? {T####x}\r\rB? {F####y}")

    assert len(questions) == 2


def test_empty_file_has_no_questions():
    assert parse_gift("") == []
    assert parse_gift("// nothing\n\n   \n") == []


# Titles and slugs


def test_title_is_slugified():
    assert only("::IAM: Groups & Users!::Q? {T####x}")["slug"] == "iam-groups-users"


def test_slug_from_prompt_first_words_when_no_title():
    question = only(
        "Can an IAM user group contain other IAM user groups in AWS today? {F####x}"
    )

    assert question["slug"] == "can-an-iam-user-group-contain-other-iam"


def test_slugs_are_unique_within_the_file():
    text = "::Same::A? {T####x}\n\n::Same::B? {T####x}\n\n::Same::C? {T####x}"

    assert [q["slug"] for q in parse_gift(text)] == ["same", "same-2", "same-3"]


def test_numbered_slug_skips_a_slug_taken_by_a_title():
    text = "::Same::A? {T####x}\n\n::Same::B? {T####x}\n\n::Same 2::C? {T####x}"

    assert [q["slug"] for q in parse_gift(text)] == ["same", "same-3", "same-2"]


def test_slug_fits_the_slug_field():
    question = only(f"::{'word ' * 40}::Q? {{T####x}}")

    assert len(question["slug"]) <= 80
    assert not question["slug"].endswith("-")


def test_slug_from_prompt_leaves_out_html_tags():
    assert only("[html]<p>Is <b>IAM</b> global?</p> {T####x}")["slug"] == (
        "is-iam-global"
    )


def test_title_without_letters_falls_back_to_the_prompt():
    assert only("::???::Is IAM global? {T####x}")["slug"] == "is-iam-global"


def test_slugify_drops_accents():
    assert slugify("Rôle d'accès") == "role-d-acces"


# Categories


def test_category_topic_is_the_slugified_last_segment():
    text = (
        "$CATEGORY: $course$/top/AWS/IAM Groups\n\n"
        "A? {T####x}\n\n"
        "$CATEGORY: Policies\n"
        "B? {T####x}\n\n"
        "$CATEGORY: $course$/top\n\n"
        "C? {T####x}"
    )

    assert [q["topics"] for q in parse_gift(text)] == [["iam-groups"], ["policies"], []]


def test_categories_keep_the_last_segment_as_name_and_the_path():
    bank = read_gift(
        "$CATEGORY: $course$/top/AWS IAM/Roles and trust\n\nA? {T}\n\n"
        "$CATEGORY: $system$/top/A//B\n\nB? {T}"
    )

    assert bank.categories["roles-and-trust"].name == "Roles and trust"
    assert bank.categories["roles-and-trust"].path == "AWS IAM / Roles and trust"
    assert bank.categories["a-b"].name == "A/B"


def test_questions_before_any_category_have_no_topics():
    assert only("A? {T####x}")["topics"] == []


# Several problems


def test_all_problems_are_collected_in_line_order():
    text = (
        "::Good::A? {T####x}\n"
        "\n"
        "::Match::M? {=a -> b =c -> d}\n"
        "\n"
        "::Num::N? {#=3:1 =%50%4}\n"
        "\n"
        "::Weights::W? {\n"
        "~%50%a\n"
        "~%nope%b\n"
        "~%50%c\n"
        "}\n"
    )

    with pytest.raises(GiftError) as caught:
        parse_gift(text)

    assert [p.line for p in caught.value.problems] == [3, 5, 9]
    assert str(caught.value).splitlines()[0].startswith("line 3: matching")
    assert all(
        line.startswith(f"line {p.line}: ")
        for line, p in zip(
            str(caught.value).splitlines(), caught.value.problems, strict=True
        )
    )


def test_problem_is_frozen_and_prints_its_line():
    problem = GiftProblem(7, "bad")

    assert str(problem) == "line 7: bad"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 8


# Limits


def test_reading_stops_after_500_problems():
    text = "\n\n".join(f"Q{n}? {{####x}}" for n in range(600))

    with pytest.raises(GiftError) as caught:
        parse_gift(text)

    assert len(caught.value.problems) == 501
    assert caught.value.problems[-1].message == "stopped reading after 500 problems"
    assert caught.value.problems[-1].line == 2 * 500 + 1


def test_file_over_two_megabytes_is_refused():
    [(line, message)] = problems("A? {T####x}\n\n" + "x" * (2 * 1024 * 1024))

    assert line == 1
    assert "2 MB" in message


def test_two_megabytes_counts_bytes_not_characters():
    text = "é" * (1024 * 1024 + 1)  # 2 MB + 2 bytes in UTF-8

    assert "2 MB" in problems(text)[0][1]


def test_more_than_5000_questions_is_refused():
    text = "\n\n".join(f"Q{n}? {{T####x}}" for n in range(MAX_QUESTIONS + 1))

    [(line, message)] = problems(text)

    assert line == 2 * MAX_QUESTIONS + 1
    assert "more than 5,000 questions" in message


def test_5000_questions_are_all_read():
    text = "\n\n".join(f"Q{n}? {{=a #f ~b ####x}}" for n in range(MAX_QUESTIONS))

    questions = parse_gift(text)

    assert len(questions) == MAX_QUESTIONS
    assert questions[-1]["slug"] == "q4999"


@pytest.mark.parametrize(
    "text",
    [
        "Q {" + "\\#" * 300_000 + "}",
        "Q {" + "~a" * 150_000 + "}",
        "::" + "\\:" * 300_000,
        "Q " + "#" * 600_000 + " {T}",
        "Q {=" + "\n=" * 150_000 + "}",
        ("a" * 70 + "\n") * 8_000,
    ],
    ids=["escapes", "choices", "title", "hashes", "lines", "one-block"],
)
def test_pathological_files_end_in_a_list_or_a_gift_error(text):
    """A quadratic reader would take hours on these and stall the suite; the
    linear one finishes in about a second. No timing is asserted."""
    try:
        result = parse_gift(text)
    except GiftError as error:
        assert error.problems
    else:
        assert isinstance(result, list)


# Any text at all: a list of questions or a GiftError, quickly

GIFT_ALPHABET = st.sampled_from(
    list("~=#{}:%\\-> \n\r\t/$[]*Tab1é")
    + ["::", "//", "####", "$CATEGORY:", "[html]", "TRUE", "\\n", "\ufeff"]
)


def _parse_or_error(text: str) -> None:
    try:
        result = parse_gift(text)
    except GiftError as error:
        assert error.problems
        assert all(p.line >= 1 for p in error.problems)
        assert all(
            p.line <= text.count("\n") + text.count("\r") + 1 for p in error.problems
        )
    else:
        assert isinstance(result, list)
        for question in result:
            assert isinstance(question["explanation"], str)
            assert question["slug"]
            assert question["type"] in {"single", "multiple", "true_false", "short"}


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_questions_or_gift_error(text):
    _parse_or_error(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(GIFT_ALPHABET, max_size=80).map("".join))
def test_any_gift_like_text_gives_questions_or_gift_error(text):
    _parse_or_error(text)
