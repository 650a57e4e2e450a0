"""Feedback reads like the question did: its choices in the order shown, Markdown."""

import pytest
from django.urls import reverse

from quizzes.grading import grade
from quizzes.models import Attempt, Choice, Question
from tests.quizzes.pages import position_of, question_url, start

pytestmark = pytest.mark.django_db


def test_feedback_lists_choices_in_the_order_the_question_showed_them(
    client, alice, questions
):
    question = questions["root-credentials"]
    client.force_login(alice)
    attempt = start(client)
    ids = [c.pk for c in question.choices.all()]
    shown = list(reversed(ids))
    attempt.choice_order[str(question.pk)] = shown
    Attempt.objects.filter(pk=attempt.pk).update(choice_order=attempt.choice_order)
    url = question_url(attempt, position_of(attempt, question))

    form = client.get(url).context["form"]
    assert [int(pk) for pk, _ in form.fields["choices"].choices] == shown
    client.post(url, {"choices": [str(ids[0])]})
    feedback = client.get(url).context["grade"]
    assert [item.choice_id for item in feedback.items] == shown

    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:review", args=[attempt.pk]))
    item = next(i for i in review.context["items"] if i["question"] == question)
    assert [i.choice_id for i in item["grade"].items] == shown


def test_in_shown_order_puts_choices_added_later_last(questions):
    question = questions["groups-rule"]
    ids = [c.pk for c in question.choices.all()]
    result = grade(question, {}).in_shown_order([ids[2], ids[0]])
    assert [i.choice_id for i in result.items] == [ids[2], ids[0], ids[1]]
    assert grade(question, {}).in_shown_order(None).items == grade(question, {}).items


def test_choices_and_their_feedback_render_markdown(client, alice, questions):
    question = questions["groups-rule"]
    Choice.objects.filter(question=question, text__startswith="A user").update(
        text="A user can be *in* several groups on **Amazon EC2**.",
        feedback="Yes: see `iam:AddUserToGroup`.",
    )
    client.force_login(alice)
    attempt = start(client)
    url = question_url(attempt, position_of(attempt, question))
    page = client.get(url).content.decode()
    assert (
        "A user can be <em>in</em> several groups on <strong>Amazon EC2</strong>."
        in page
    )
    assert "**Amazon EC2**" not in page

    client.post(
        url, {"choice": str(question.choices.get(text__startswith="A user").pk)}
    )
    page = client.get(url).content.decode()
    assert "<strong>Amazon EC2</strong>" in page
    assert "Yes: see <code>iam:AddUserToGroup</code>." in page
    assert "`iam:" not in page


def test_the_source_is_shown_with_the_feedback_never_before_answering(
    client, alice, questions
):
    source = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html"
    link = f'Source: <a href="{source}" rel="noopener noreferrer">'
    question = questions["groups-nest"]
    Question.objects.filter(pk=question.pk).update(source=source)
    client.force_login(alice)
    attempt = start(client)
    url = question_url(attempt, position_of(attempt, question))
    assert source not in client.get(url).content.decode()
    client.post(url, {"value": "false"})
    feedback = client.get(url).content.decode()
    assert feedback.index("Explanation.") < feedback.index(link)

    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:review", args=[attempt.pk]))
    assert link in review.content.decode()
