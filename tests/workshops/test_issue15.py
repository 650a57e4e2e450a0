"""Live workshops that feel like the tools people know (issue 15): the agenda
that updates itself, closing with a confirmation, reopening and duplicating,
the way back from a quiz or an exercise, and honest success rates."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Choice
from quizzes.services import answer_save, attempt_start, attempt_submit
from workshops.dashboard import workshop_dashboard
from workshops.models import Workshop, WorkshopState
from workshops.services import (
    WorkshopError,
    membership_join,
    workshop_close,
    workshop_create,
    workshop_duplicate,
    workshop_open,
    workshop_reopen,
)

from .conftest import choice_id

pytestmark = pytest.mark.django_db


# --- the trainee's agenda refreshes itself ------------------------------------------


def _live_queries(client, workshop) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workshops:agenda_live", args=[workshop.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_agenda_fragment_runs_a_fixed_number_of_queries(
    client, workshop, quiz, questions, alice
):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    before = _live_queries(client, workshop)
    for _ in range(3):  # more attempts of her own, and more items unlocked
        attempt = attempt_start(quiz=quiz, user=alice)
        attempt_submit(attempt=attempt)
    workshop.items.update(unlocked_at="2026-12-04T12:00:00Z")
    assert _live_queries(client, workshop) == before
    assert before <= 7


def test_the_agenda_fragment_shows_a_newly_unlocked_item(client, workshop, alice):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    url = reverse("workshops:agenda_live", args=[workshop.pk])
    assert "Open the exercise" not in client.get(url).content.decode()
    workshop.items.update(unlocked_at="2026-12-04T12:00:00Z")
    page = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Open the exercise" in page
    assert 'hx-trigger="every 5s"' in page


def test_the_agenda_fragment_of_a_closed_workshop_stops_the_polling(
    client, workshop, alice
):
    membership_join(workshop=workshop, user=alice)
    workshop_close(workshop=workshop)
    client.force_login(alice)
    url = reverse("workshops:agenda_live", args=[workshop.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 286  # htmx stops polling
    assert "The workshop is closed" in response.content.decode()
    assert "Start" not in response.content.decode()
    assert client.get(url).status_code == 200  # without htmx, a plain page


def test_the_agenda_fragment_is_only_for_members_and_instructors(
    client, workshop, bob, charlie
):
    url = reverse("workshops:agenda_live", args=[workshop.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(charlie)
    assert client.get(url).status_code == 200


# --- closing, reopening, duplicating ------------------------------------------------


def test_closing_asks_for_confirmation_first(client, workshop, quiz, alice, charlie):
    membership_join(workshop=workshop, user=alice)
    attempt_start(quiz=quiz, user=alice)
    client.force_login(charlie)
    dashboard = client.get(reverse("workshops:dashboard", args=[workshop.pk]))
    confirm_url = reverse("workshops:close_confirm", args=[workshop.pk])
    assert confirm_url in dashboard.content.decode()
    page = client.get(confirm_url).content.decode()
    assert "1 quiz attempt still in progress is submitted as it stands" in page
    assert reverse("workshops:close", args=[workshop.pk]) in page
    workshop.refresh_from_db()
    assert workshop.is_open  # asking closes nothing


def test_the_confirmation_of_a_closed_workshop_goes_back(client, workshop, charlie):
    workshop_close(workshop=workshop)
    client.force_login(charlie)
    response = client.get(
        reverse("workshops:close_confirm", args=[workshop.pk]), follow=True
    )
    assert "Only an open workshop can be closed." in response.content.decode()


def test_the_confirmation_page_is_for_instructors_only(client, workshop, alice):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    url = reverse("workshops:close_confirm", args=[workshop.pk])
    assert client.get(url).status_code == 404


def test_reopening_keeps_the_code_when_it_is_free(workshop):
    code = workshop.code
    workshop_close(workshop=workshop)
    reopened, changed = workshop_reopen(workshop=workshop)
    assert (reopened.state, reopened.code, changed) == (WorkshopState.OPEN, code, False)
    assert reopened.closed_at is None


def test_reopening_draws_a_new_code_when_another_workshop_took_it(workshop, charlie):
    code = workshop.code
    workshop_close(workshop=workshop)
    other = workshop_create(title="Later", created_by=charlie)
    Workshop.objects.filter(pk=other.pk).update(code=code)
    reopened, changed = workshop_reopen(workshop=workshop)
    assert changed
    assert reopened.code != code
    assert len(reopened.code) == 6


def test_only_a_closed_workshop_reopens(workshop):
    with pytest.raises(WorkshopError):
        workshop_reopen(workshop=workshop)


def test_a_reopened_workshop_takes_answers_again(workshop, quiz, questions, alice):
    membership_join(workshop=workshop, user=alice)
    workshop_close(workshop=workshop)
    workshop_reopen(workshop=workshop)
    attempt = attempt_start(quiz=quiz, user=alice)
    rule = questions["groups-rule"]
    answer_save(
        attempt=attempt, question=rule, response={"choice": choice_id(rule, "A user")}
    )
    assert attempt.workshop_link.workshop == workshop


def test_the_reopen_control_says_when_the_code_changed(client, workshop, charlie):
    code = workshop.code
    workshop_close(workshop=workshop)
    other = workshop_create(title="Later", created_by=charlie)
    Workshop.objects.filter(pk=other.pk).update(code=code)
    client.force_login(charlie)
    response = client.post(reverse("workshops:reopen", args=[workshop.pk]), follow=True)
    workshop.refresh_from_db()
    assert "its join code is now " + workshop.display_code in response.content.decode()


def test_the_reopen_control_refuses_strangers_and_get(client, workshop, alice):
    workshop_close(workshop=workshop)
    url = reverse("workshops:reopen", args=[workshop.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    workshop.refresh_from_db()
    assert workshop.is_closed


def test_duplicating_makes_a_draft_with_the_same_agenda_and_a_new_code(
    workshop, charlie
):
    workshop_close(workshop=workshop)
    copy = workshop_duplicate(workshop=workshop, created_by=charlie)
    assert copy.is_draft
    assert copy.title == "IAM in practice (copy)"
    assert copy.code != workshop.code
    assert [i.content for i in copy.items.all()] == [
        i.content for i in workshop.items.all()
    ]
    assert not copy.items.filter(unlocked_at__isnull=False).exists()
    assert list(copy.instructors.all()) == [charlie]


def test_the_duplicate_control_opens_the_copy_for_editing(client, workshop, charlie):
    client.force_login(charlie)
    response = client.post(reverse("workshops:duplicate", args=[workshop.pk]))
    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response["Location"] == reverse("workshops:edit", args=[copy.pk])


def test_the_duplicate_control_refuses_strangers(client, workshop, alice):
    client.force_login(alice)
    response = client.post(reverse("workshops:duplicate", args=[workshop.pk]))
    assert response.status_code == 404
    assert Workshop.objects.count() == 1


# --- the way back, and the closed workshop explained ----------------------------------


def test_a_review_of_an_attempt_submitted_by_closing_says_so(
    client, workshop, quiz, questions, alice
):
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_start(quiz=quiz, user=alice)
    workshop_close(workshop=workshop)
    client.force_login(alice)
    # Her next answer lands on the review, which explains what happened.
    rule = questions["groups-rule"]
    response = client.post(
        reverse("quizzes:question", args=[attempt.pk, 1]),
        {"choice": choice_id(rule, "A user")},
        follow=True,
    )
    page = response.content.decode()
    assert "The instructor closed the workshop; your answers so far were submitted" in (
        page
    )
    assert reverse("workshops:agenda", args=[workshop.pk]) in page


def test_a_review_of_a_workshop_attempt_links_back_to_the_agenda(
    client, workshop, quiz, alice
):
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_submit(attempt=attempt_start(quiz=quiz, user=alice))
    client.force_login(alice)
    page = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Part of the workshop “IAM in practice”" in page
    assert reverse("workshops:agenda", args=[workshop.pk]) in page
    assert "The instructor closed the workshop" not in page


def test_a_review_of_practice_has_no_workshop_note(client, quiz, alice):
    attempt = attempt_submit(attempt=attempt_start(quiz=quiz, user=alice))
    client.force_login(alice)
    page = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Back to the workshop" not in page


def test_an_exercise_on_a_joined_workshops_agenda_links_back(
    client, workshop, exercises, alice, bob
):
    membership_join(workshop=workshop, user=alice)
    url = reverse("exercises:exercise", args=["read-reports"])
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Back to the workshop’s agenda" in page
    assert reverse("workshops:agenda", args=[workshop.pk]) in page
    client.force_login(bob)  # not a member: practice
    assert "Back to the workshop" not in client.get(url).content.decode()


def test_an_exercise_links_back_to_the_workshop_joined_last_never_a_draft(
    client, workshop, exercises, alice, charlie
):
    from datetime import timedelta

    from django.utils import timezone

    from workshops.models import Membership
    from workshops.services import workshop_create, workshop_open

    later = workshop_open(
        workshop=workshop_create(
            title="Policies, day two",
            created_by=charlie,
            contents=[exercises["read-reports"]],
        )
    )
    draft = workshop_create(
        title="Not yet open", created_by=charlie, contents=[exercises["read-reports"]]
    )
    membership_join(workshop=workshop, user=alice)
    membership_join(workshop=later, user=alice)
    # Joined last, but a draft: never the way back.
    Membership.objects.create(
        workshop=draft, user=alice, joined_at=timezone.now() + timedelta(hours=1)
    )
    Membership.objects.filter(workshop=later).update(
        joined_at=timezone.now() + timedelta(minutes=1)
    )
    url = reverse("exercises:exercise", args=["read-reports"])
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Part of the workshop “Policies, day two”" in page
    assert reverse("workshops:agenda", args=[later.pk]) in page
    workshop_close(workshop=later)
    page = client.get(url).content.decode()
    assert "Done in the workshop “Policies, day two”, now closed." in page


# --- success rates and Markdown on the dashboard ------------------------------------


def test_the_success_rate_waits_until_someone_finishes(
    client, workshop, quiz, alice, bob, charlie
):
    for user in (alice, bob):
        membership_join(workshop=workshop, user=user)
        attempt_start(quiz=quiz, user=user)
    stats = workshop_dashboard(workshop).stats[0]
    assert (stats.started, stats.success_rate) == (2, None)
    client.force_login(charlie)
    page = client.get(reverse("workshops:dashboard_live", args=[workshop.pk]))
    assert '– <span class="small">(in progress)</span>' in page.content.decode()
    assert "0%" not in page.content.decode()


def test_the_dashboard_renders_markdown_in_wrong_answers(
    client, workshop, quiz, questions, alice, charlie
):
    rule = questions["groups-rule"]
    wrong = Choice.objects.get(question=rule, text__startswith="A group can sign")
    wrong.text = "**Amazon EC2** signs in"
    wrong.save()
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_start(quiz=quiz, user=alice)
    answer_save(attempt=attempt, question=rule, response={"choice": wrong.pk})
    client.force_login(charlie)
    page = client.get(reverse("workshops:dashboard_live", args=[workshop.pk]))
    html = page.content.decode()
    assert "<strong>Amazon EC2</strong> signs in" in html
    assert "**Amazon EC2**" not in html


def test_markdown_inline_has_no_paragraph_and_no_raw_html():
    from responsibility.templatetags.responsibility import (
        markdown_inline_filter as markdown_inline,
    )

    html = markdown_inline("`s3:*` <b>x</b>")
    assert html == "<code>s3:*</code> &lt;b&gt;x&lt;/b&gt;"


def test_workshop_open_after_reopen_is_refused(workshop):
    workshop_close(workshop=workshop)
    workshop_reopen(workshop=workshop)
    with pytest.raises(WorkshopError):
        workshop_open(workshop=workshop)


def test_an_unchanged_agenda_answers_204_so_nothing_is_swapped(client, workshop, alice):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    url = reverse("workshops:agenda_live", args=[workshop.pk])
    htmx = {"HX-Request": "true"}
    page = client.get(reverse("workshops:agenda", args=[workshop.pk]))
    version = re.search(r'"v": "([0-9a-f]+)"', page.content.decode()).group(1)
    assert client.get(url, {"v": version}, headers=htmx).status_code == 204
    assert client.get(url, {"v": "stale"}, headers=htmx).status_code == 200
    workshop.items.update(unlocked_at="2026-12-04T12:00:00Z")
    assert client.get(url, {"v": version}, headers=htmx).status_code == 200
