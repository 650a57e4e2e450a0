"""The answer controls each question type shows, with saved answers and errors."""

import re

import pytest
from django.template.loader import render_to_string

from quizzes.forms import AnswerForm

pytestmark = pytest.mark.django_db

KINDS = {
    "groups-rule": ("radio", False),
    "root-credentials": ("checkbox", False),
    "groups-nest": ("radio", True),
    "sort-container": ("radio", True),
    "read-get-star": ("radio", False),
    "name-effect": ("text", False),
    "access-keys-count": ("text", False),
}


def _html(form: AnswerForm) -> str:
    return render_to_string("quizzes/includes/answer_fields.html", {"form": form})


@pytest.mark.parametrize("slug", KINDS)
def test_every_input_has_a_label_and_its_kind(questions, slug):
    form = AnswerForm(question=questions[slug])
    html = _html(form)
    kind, inline = KINDS[slug]
    inputs = re.findall(r'<input type="([a-z]+)"[^>]*id="([^"]+)"', html)
    assert inputs
    for input_type, input_id in inputs:
        assert input_type == kind
        assert f'<label for="{input_id}"' in html
    assert ("form-check-inline" in html) is inline
    if kind != "text":
        assert html.count("<legend") == len(form.fields)


def test_the_sort_question_asks_about_each_area(questions):
    html = _html(AnswerForm(question=questions["sort-container"]))
    for owner in ("AWS", "Customer", "Shared"):
        assert f">{owner}</label>" in html
    assert html.count('value="aws"') == html.count("<fieldset")


def test_a_saved_answer_comes_back_selected(questions):
    question = questions["root-credentials"]
    picked = [c.pk for c in question.choices.all()][:2]
    initial = AnswerForm.initial_for(question, {"choices": picked})
    html = _html(AnswerForm(question=question, initial=initial))
    assert html.count(" checked") == 2
    for pk in picked:
        assert re.search(rf'value="{pk}"[^>]* checked', html)


def test_the_short_answer_keeps_what_was_typed(questions):
    form = AnswerForm({"text": '<b>"Effect"</b>'}, question=questions["name-effect"])
    html = _html(form)
    assert 'value="&lt;b&gt;&quot;Effect&quot;&lt;/b&gt;"' in html


@pytest.mark.parametrize("slug", KINDS)
def test_a_missing_answer_says_what_to_do_next_to_the_control(questions, slug):
    form = AnswerForm({}, question=questions[slug])
    assert not form.is_valid()
    html = _html(form)
    for name, errors in form.errors.items():
        control_id = form[name].auto_id
        assert f'aria-describedby="{control_id}_error"' in html
        assert f'id="{control_id}_error"' in html
        for error in errors:
            assert error in html
    assert 'aria-invalid="true"' in html
