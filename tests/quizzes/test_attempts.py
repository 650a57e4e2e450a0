"""Starting, answering and submitting attempts, through the pages a trainee uses."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Answer, Attempt, Quiz
from quizzes.services import (
    AttemptClosed,
    AttemptLimitReached,
    answer_save,
    attempt_start,
    attempt_submit,
)

pytestmark = pytest.mark.django_db


def _start(client, slug="basics") -> Attempt:
    response = client.post(reverse("quizzes:start", args=[slug]))
    assert response.status_code == 302
    return Attempt.objects.latest("pk")


def _choice(question, text_start):
    return str(
        next(c.pk for c in question.choices.all() if c.text.startswith(text_start))
    )


def test_quizzes_need_an_account(client, bank):
    for url in [
        reverse("quizzes:list"),
        reverse("quizzes:quiz", args=["basics"]),
        reverse("quizzes:progress"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert client.post(reverse("quizzes:start", args=["basics"])).status_code == 302
    assert not Attempt.objects.exists()


def test_start_is_idempotent_and_the_draw_is_stable(client, alice, bank):
    client.force_login(alice)
    first = _start(client, "timed")
    second = _start(client, "timed")
    assert first.pk == second.pk
    assert Attempt.objects.count() == 1
    # One fixed question and one drawn from the topic.
    assert len(first.question_ids) == 2
    for position in (1, 2):
        url = reverse("quizzes:question", args=[first.pk, position])
        seen = [_shown(client.get(url)) for _ in range(2)]
        assert seen[0] == seen[1]


def _shown(response):
    """The question and the order of its options, as the page shows them."""
    form = response.context["form"]
    return response.context["question"].pk, [
        list(field.choices)
        for field in form.fields.values()
        if hasattr(field, "choices")
    ]


def test_choice_order_is_shuffled_once_and_kept(alice, bank):
    quiz = Quiz.objects.get(slug="basics")
    orders = set()
    for seed in range(8):
        attempt = attempt_start(quiz=quiz, user=alice, rng=random.Random(seed))
        orders.add(tuple(next(iter(attempt.choice_order.values()))))
        attempt_submit(attempt=attempt)
    assert len(orders) > 1, "choices should be shuffled between attempts"
    attempt = attempt_start(quiz=quiz, user=alice)
    again = Attempt.objects.get(pk=attempt.pk)
    assert again.choice_order == attempt.choice_order


def test_draws_pick_n_from_the_topic(alice, bank):
    quiz = Quiz.objects.get(slug="timed")
    attempt = attempt_start(quiz=quiz, user=alice, rng=random.Random(1))
    drawn = attempt.question_ids[1:]
    from quizzes.models import Question

    topic_questions = set(
        Question.objects.filter(topics__slug="iam-groups").values_list("pk", flat=True)
    )
    assert len(drawn) == 1
    assert set(drawn) <= topic_questions


def test_a_full_attempt_with_feedback_after_each_question(client, alice, questions):
    client.force_login(alice)
    attempt = _start(client)
    order = [
        Attempt.objects.get(pk=attempt.pk).question_ids.index(questions[s].pk) + 1
        for s in ["groups-rule", "name-effect", "groups-nest"]
    ]

    q1 = reverse("quizzes:question", args=[attempt.pk, order[0]])
    response = client.post(q1, {"choice": _choice(questions["groups-rule"], "A user")})
    assert response.status_code == 302
    page = client.get(q1).content.decode()
    assert "Correct" in page
    assert "Groups hold users only." in page  # the explanation

    # The answer is final once its feedback was shown.
    client.post(q1, {"choice": _choice(questions["groups-rule"], "A group can sign")})
    answer = Answer.objects.get(attempt=attempt, question=questions["groups-rule"])
    assert answer.is_correct

    q2 = reverse("quizzes:question", args=[attempt.pk, order[1]])
    client.post(q2, {"text": "  EFFECT "})
    q3 = reverse("quizzes:question", args=[attempt.pk, order[2]])
    client.post(q3, {"value": "true"})
    assert "Not correct" in client.get(q3).content.decode()

    response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(2 / 7)
    assert attempt.percent == round(100 * 2 / 7, 1)
    assert attempt.passed is False
    review = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Your results" in review
    assert "Groups do not nest." in review or "Groups hold users only." in review
    assert review.count("Explanation.") == 7


def test_invalid_answer_is_a_form_error_and_saves_nothing(client, alice, bank):
    client.force_login(alice)
    attempt = _start(client)
    for position in range(1, 8):
        url = reverse("quizzes:question", args=[attempt.pk, position])
        response = client.post(
            url, {"choice": "999999", "choices": ["x"], "value": "maybe"}
        )
        assert response.status_code == 422
    assert not Answer.objects.exists()


def test_submit_is_idempotent(client, alice, questions):
    client.force_login(alice)
    attempt = _start(client)
    position = attempt.question_ids.index(questions["groups-nest"].pk) + 1
    client.post(
        reverse("quizzes:question", args=[attempt.pk, position]), {"value": "false"}
    )
    for _ in range(3):
        response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
        assert response.status_code == 302
    attempt.refresh_from_db()
    first_submitted = attempt.submitted_at
    score = attempt.score
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.submitted_at == first_submitted
    assert attempt.score == score
    assert Attempt.objects.count() == 1
    assert Answer.objects.filter(attempt=attempt).count() == 7  # skipped ones recorded

    # The back button and a resent answer change nothing.
    response = client.post(
        reverse("quizzes:question", args=[attempt.pk, position]), {"value": "true"}
    )
    assert response.status_code == 302
    answer = Answer.objects.get(attempt=attempt, question=questions["groups-nest"])
    assert answer.response == {"value": False}


def test_answers_survive_a_reload_in_end_mode_and_can_change(client, alice, questions):
    client.force_login(alice)
    attempt = _start(client, "timed")
    position = attempt.question_ids.index(questions["name-effect"].pk) + 1
    url = reverse("quizzes:question", args=[attempt.pk, position])
    client.post(url, {"text": "Action"})
    assert 'value="Action"' in client.get(url).content.decode()
    client.post(url, {"text": "Effect"})
    answer = Answer.objects.get(attempt=attempt, question=questions["name-effect"])
    assert answer.response == {"text": "Effect"}
    assert not answer.locked


def test_autosave_with_htmx_returns_a_small_fragment(client, alice, questions):
    client.force_login(alice)
    attempt = _start(client, "timed")
    position = attempt.question_ids.index(questions["name-effect"].pk) + 1
    response = client.post(
        reverse("quizzes:question", args=[attempt.pk, position]),
        {"text": "Effect", "autosave": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.content.decode() == '<span class="text-success">Saved.</span>'


def test_time_limit_is_enforced_by_the_server(client, alice, questions):
    client.force_login(alice)
    attempt = _start(client, "timed")
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    position = attempt.question_ids.index(questions["name-effect"].pk) + 1
    response = client.post(
        reverse("quizzes:question", args=[attempt.pk, position]), {"text": "Effect"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.score == 0
    assert not Answer.objects.filter(attempt=attempt, score__gt=0).exists()


def test_answer_save_after_the_deadline_submits_and_refuses(alice, questions):
    quiz = Quiz.objects.get(slug="timed")
    attempt = attempt_start(quiz=quiz, user=alice)
    later = timezone.now() + timedelta(minutes=6)
    with pytest.raises(AttemptClosed, match="Time is up"):
        answer_save(
            attempt=attempt,
            question=questions["name-effect"],
            response={"text": "Effect"},
            now=later,
        )
    attempt.refresh_from_db()
    assert attempt.status == "submitted"


def test_attempt_limit(client, alice, bank):
    quiz = Quiz.objects.get(slug="timed")
    for _ in range(2):
        attempt_submit(attempt=attempt_start(quiz=quiz, user=alice))
    with pytest.raises(AttemptLimitReached):
        attempt_start(quiz=quiz, user=alice)
    client.force_login(alice)
    response = client.post(reverse("quizzes:start", args=["timed"]), follow=True)
    assert "You have used all 2 attempts" in response.content.decode()
    assert Attempt.objects.count() == 2


def test_best_and_latest_scores_are_kept(client, alice, questions):
    quiz = Quiz.objects.get(slug="basics")
    first = attempt_start(quiz=quiz, user=alice)
    answer_save(
        attempt=first, question=questions["groups-nest"], response={"value": False}
    )
    attempt_submit(attempt=first)
    second = attempt_start(quiz=quiz, user=alice)
    attempt_submit(attempt=second)
    client.force_login(alice)
    page = client.get(reverse("quizzes:quiz", args=["basics"])).content.decode()
    assert "Best score: 14.3%" in page  # 1 of 7
    assert "latest: 0.0%" in page


def test_another_trainee_cannot_read_or_change_an_attempt(
    client, alice, bob, questions
):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    client.force_login(bob)
    for url in [
        reverse("quizzes:attempt", args=[attempt.pk]),
        reverse("quizzes:question", args=[attempt.pk, 1]),
        reverse("quizzes:review", args=[attempt.pk]),
    ]:
        assert client.get(url).status_code == 404
    position = attempt.question_ids.index(questions["groups-nest"].pk) + 1
    url = reverse("quizzes:question", args=[attempt.pk, position])
    assert client.post(url, {"value": "false"}).status_code == 404
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not Answer.objects.exists()


def test_staff_can_read_but_not_answer_another_attempt(client, alice, admin_user, bank):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    attempt_submit(attempt=attempt)
    client.force_login(admin_user)
    page = client.get(reverse("quizzes:review", args=[attempt.pk]))
    assert page.status_code == 200
    assert "Attempt by alice" in page.content.decode()


def test_unknown_question_position_is_404(client, alice, bank):
    client.force_login(alice)
    attempt = _start(client)
    assert (
        client.get(reverse("quizzes:question", args=[attempt.pk, 99])).status_code
        == 404
    )
    assert (
        client.get(reverse("quizzes:question", args=[attempt.pk, 0])).status_code == 404
    )


def test_progress_shows_mastery_and_what_to_review(client, alice, questions):
    quiz = Quiz.objects.get(slug="basics")
    attempt = attempt_start(quiz=quiz, user=alice)
    answer_save(
        attempt=attempt, question=questions["groups-nest"], response={"value": True}
    )
    attempt_submit(attempt=attempt)
    client.force_login(alice)
    page = client.get(reverse("quizzes:progress")).content.decode()
    assert "IAM groups" in page
    assert "What to review next" in page
    assert reverse("responsibility:guide", args=["iam-groups"]) in page
    assert reverse("responsibility:category", args=["container"]) in page
    assert "Basics" in page


def test_opening_a_question_past_the_deadline_submits_the_attempt(
    client, alice, questions
):
    client.force_login(alice)
    attempt = _start(client, "timed")
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(
        reverse("quizzes:question", args=[attempt.pk, 1]), follow=True
    )
    assert response.redirect_chain[0][0] == reverse("quizzes:review", args=[attempt.pk])
    assert "Time is up: your attempt was submitted." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "submitted"


def test_the_review_of_an_attempt_past_the_deadline_submits_it(
    client, alice, questions
):
    client.force_login(alice)
    attempt = _start(client, "timed")
    review = reverse("quizzes:review", args=[attempt.pk])
    assert client.get(review).url == reverse("quizzes:attempt", args=[attempt.pk])
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(review).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == "submitted"


def test_a_score_is_a_fraction_and_pages_show_a_percentage(client, alice, questions):
    client.force_login(alice)
    attempt = _start(client)
    Attempt.objects.filter(pk=attempt.pk).update(
        status="submitted", score=0.853, passed=True
    )
    review = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Score: 85.3%" in review
    detail = client.get(reverse("quizzes:quiz", args=["basics"])).content.decode()
    assert "Best score: 85.3% · latest: 85.3%" in detail
    assert "<td>85.3%</td>" in detail
    listing = client.get(reverse("quizzes:list")).content.decode()
    assert "Best 85.3% · latest 85.3%" in listing
    progress = client.get(reverse("quizzes:progress")).content.decode()
    assert "<td>85.3%</td>" in progress
