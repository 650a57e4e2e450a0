"""Instructor pages and controls, the trainee's agenda, and who may see what."""

import csv
import io

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from workshops.models import Membership, Workshop, WorkshopState
from workshops.selectors import workshop_of_attempt, workshop_of_submission
from workshops.services import guest_create, membership_join
from workshops.views import csv_safe

from .conftest import choice_id

pytestmark = pytest.mark.django_db

INSTRUCTOR_PAGES = ["dashboard", "dashboard_live", "projector", "projector_live"]
INSTRUCTOR_PAGES += ["summary", "export", "edit"]
CONTROLS = ["open", "unlock_next", "unlock_all", "close", "leaderboard"]


@pytest.fixture
def other_instructor(db):
    from django.contrib.auth.models import Group, User

    from accounts.groups import INSTRUCTORS

    user = User.objects.create_user("olivia", password="x" * 12)
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS)[0])
    return user


@pytest.mark.parametrize("name", INSTRUCTOR_PAGES)
def test_the_workshops_instructor_and_superusers_see_its_pages(
    client, workshop, charlie, admin_user, name
):
    url = reverse(f"workshops:{name}", args=[workshop.pk])
    for user in (charlie, admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", INSTRUCTOR_PAGES)
def test_trainees_and_other_instructors_get_not_found(
    client, workshop, alice, other_instructor, name
):
    membership_join(workshop=workshop, user=alice)
    url = reverse(f"workshops:{name}", args=[workshop.pk])
    for user in (alice, other_instructor):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", INSTRUCTOR_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, workshop, name):
    response = client.get(reverse(f"workshops:{name}", args=[workshop.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", CONTROLS)
def test_controls_refuse_get_and_strangers(
    client, draft, alice, other_instructor, name
):
    url = reverse(f"workshops:{name}", args=[draft.pk])
    client.force_login(other_instructor)
    assert client.get(url).status_code == 405
    for user in (alice, other_instructor):
        client.force_login(user)
        assert client.post(url, {"shown": "1"}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == WorkshopState.DRAFT
    assert not draft.show_leaderboard
    assert not draft.items.filter(unlocked_at__isnull=False).exists()


def test_controls_need_the_csrf_token(draft, charlie):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    response = client.post(reverse("workshops:open", args=[draft.pk]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


def test_an_instructor_opens_paces_and_closes_a_workshop(client, draft, charlie):
    client.force_login(charlie)

    def post(name, **data):
        response = client.post(
            reverse(f"workshops:{name}", args=[draft.pk]), data, follow=True
        )
        assert response.status_code == 200
        return response.content.decode()

    assert "Trainees join with the code" in post("open")
    assert "Every item is already unlocked" not in post("unlock_next")
    assert "Every item is already unlocked" in post("unlock_next")
    assert "The leaderboard is shown" in post("leaderboard", shown="1")
    page = post("close")
    assert "The workshop is closed" in page
    draft.refresh_from_db()
    assert draft.state == WorkshopState.CLOSED
    assert draft.show_leaderboard


def test_opening_twice_says_why_it_cannot(client, workshop, charlie):
    client.force_login(charlie)
    response = client.post(reverse("workshops:open", args=[workshop.pk]), follow=True)
    assert "Only a draft can be opened" in response.content.decode()


def test_an_instructor_creates_a_workshop_with_an_agenda(
    client, charlie, quiz, exercises
):
    client.force_login(charlie)
    page = client.get(reverse("workshops:create")).content.decode()
    assert "Item 1" in page and "IAM groups" in page and "Read the reports" in page
    data = {
        "title": "Friday session",
        "date": "2030-01-04",
        "agenda-TOTAL_FORMS": "3",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-content": f"exercise:{exercises['predict-reports'].pk}",
        "agenda-1-content": f"quiz:{quiz.pk}",
        "agenda-2-content": "",
    }
    response = client.post(reverse("workshops:create"), data)
    workshop = Workshop.objects.get(title="Friday session")
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:dashboard", args=[workshop.pk])
    assert workshop.is_draft
    assert [i.title for i in workshop.items.all()] == [
        "What may Alice do?",
        "IAM groups",
    ]
    assert workshop.is_instructor(charlie)


def test_an_empty_agenda_is_refused(client, charlie, quiz):
    client.force_login(charlie)
    data = {
        "title": "Nothing",
        "date": "2030-01-04",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-content": "",
    }
    response = client.post(reverse("workshops:create"), data)
    assert response.status_code == 422
    assert "Choose at least one quiz, exercise or lab" in response.content.decode()
    assert not Workshop.objects.exists()


def test_trainees_cannot_create_workshops(client, alice):
    client.force_login(alice)
    assert client.get(reverse("workshops:create")).status_code == 404


def test_the_agenda_shows_locked_items_in_words(client, workshop, alice):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    page = client.get(reverse("workshops:agenda", args=[workshop.pk])).content.decode()
    assert ">Unlocked<" in page
    assert ">Locked<" in page
    assert "Not started" in page
    assert "Open the exercise" not in page  # the exercise is still locked


def test_only_members_and_instructors_see_the_agenda(client, workshop, alice, bob):
    membership_join(workshop=workshop, user=alice)
    url = reverse("workshops:agenda", args=[workshop.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 200


def test_trainees_see_only_their_own_results(client, workshop, quiz, alice, bob):
    for user in (alice, bob):
        membership_join(workshop=workshop, user=user)
    bob.first_name = "Bobby"
    bob.save()
    client.force_login(bob)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    client.force_login(alice)
    page = client.get(reverse("workshops:agenda", args=[workshop.pk])).content.decode()
    assert "Bobby" not in page
    assert "Not started" in page


def test_starting_a_quiz_from_the_agenda_counts_for_the_workshop(
    client, workshop, quiz, questions, alice
):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    assert workshop_of_attempt(attempt) == workshop
    question = questions["groups-rule"]
    client.post(
        reverse("quizzes:question", args=[attempt.pk, 1]),
        {"choice": choice_id(question, "A group can sign")},
    )
    page = client.get(reverse("workshops:agenda", args=[workshop.pk])).content.decode()
    assert "In progress" in page


def test_a_quiz_started_outside_any_workshop_does_not_count(client, quiz, alice):
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert workshop_of_attempt(Attempt.objects.get()) is None


def test_a_locked_item_is_practice_not_workshop_work(
    client, workshop, exercises, alice
):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    exercise = exercises["read-reports"]  # still locked
    response = client.post(
        reverse("exercises:check", args=[exercise.slug]), {"policy": "{}"}
    )
    assert response.status_code == 302
    assert not exercise.submissions.filter(workshop_link__workshop=workshop).exists()


def test_closing_ends_a_trainees_attempt_where_it_stood(
    client, workshop, quiz, questions, alice, charlie
):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    client.force_login(charlie)
    client.post(reverse("workshops:close", args=[workshop.pk]))
    client.force_login(alice)
    response = client.post(
        reverse("quizzes:question", args=[attempt.pk, 1]),
        {"choice": choice_id(questions["groups-rule"], "A user")},
    )
    assert response["Location"] == reverse("quizzes:review", args=[attempt.pk])
    assert not attempt.answers.filter(is_correct=True).exists()


def test_the_projector_shows_the_code_and_an_inline_qr_code(client, workshop, charlie):
    client.force_login(charlie)
    page = client.get(reverse("workshops:projector", args=[workshop.pk]))
    html = page.content.decode()
    assert workshop.display_code in html
    assert "<svg" in html and 'aria-label="QR code of the join link"' in html
    assert "http://testserver/join" in html
    assert "Leaderboard" not in html


def test_the_dashboard_polls_a_partial_every_five_seconds(client, workshop, charlie):
    client.force_login(charlie)
    page = client.get(reverse("workshops:dashboard", args=[workshop.pk]))
    html = page.content.decode()
    live = reverse("workshops:dashboard_live", args=[workshop.pk])
    assert f'hx-get="{live}"' in html
    assert 'hx-trigger="every 5s"' in html
    assert html.count("<h1") == 1
    partial = client.get(live).content.decode()
    assert "<h1" not in partial and "Trainees" in partial


def test_the_leaderboard_shows_only_when_the_instructor_says(
    client, workshop, quiz, charlie, alice
):
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    client.force_login(charlie)
    url = reverse("workshops:projector_live", args=[workshop.pk])
    assert "Leaderboard" not in client.get(url).content.decode()
    client.post(reverse("workshops:leaderboard", args=[workshop.pk]), {"shown": "1"})
    assert "Leaderboard" in client.get(url).content.decode()


def test_csv_has_one_row_per_trainee_and_two_columns_per_item(
    client, workshop, quiz, charlie, alice
):
    membership_join(workshop=workshop, user=alice)
    guest = guest_create(display_name="=HYPERLINK(1)")
    Membership.objects.create(workshop=workshop, user=guest)
    client.force_login(alice)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    client.post(reverse("quizzes:submit", args=[Attempt.objects.get().pk]))
    client.force_login(charlie)
    response = client.get(reverse("workshops:export", args=[workshop.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "trainee",
        "username",
        "guest",
        "1. IAM groups: status",
        "1. IAM groups: score",
        "2. Read the reports: status",
        "2. Read the reports: score",
        "items passed",
        "points",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["alice"][1:] == [
        "alice",
        "no",
        "Failed",
        "0.0",
        "Not started",
        "",
        "0",
        "0.0",
    ]
    assert by_name["'=HYPERLINK(1)"][2] == "yes"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ana", "Ana"),
        (None, ""),
        (75.0, "75.0"),
    ],
)
def test_csv_cells_never_start_a_formula(value, expected):
    assert csv_safe(value) == expected


def test_checking_an_unlocked_exercise_counts_for_the_workshop(
    client, workshop, exercises, alice
):
    from workshops.services import item_unlock_next

    item_unlock_next(workshop=workshop)
    membership_join(workshop=workshop, user=alice)
    client.force_login(alice)
    exercise = exercises["read-reports"]
    page = client.get(reverse("workshops:agenda", args=[workshop.pk])).content
    assert exercise.get_absolute_url() in page.decode()
    client.post(reverse("exercises:check", args=[exercise.slug]), {"policy": "{}"})
    assert workshop_of_submission(exercise.submissions.get()) == workshop


def test_sort_questions_report_each_duty_placed_wrongly(bank, charlie, alice):
    from quizzes.models import Quiz
    from quizzes.services import answer_save, attempt_start
    from workshops.dashboard import workshop_dashboard
    from workshops.services import workshop_create, workshop_open

    basics = Quiz.objects.get(slug="basics")
    workshop = workshop_create(title="Sorting", created_by=charlie, contents=[basics])
    workshop_open(workshop=workshop)
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_start(quiz=basics, user=alice)
    sort = basics.questions.get(slug="sort-container")
    answer_save(
        attempt=attempt,
        question=sort,
        response={"items": {"guest-os": "customer", "customer-data": "customer"}},
    )
    texts = [m.text for m in workshop_dashboard(workshop).wrong_answers]
    assert texts == ["Guest operating system and patching: Customer"]


def test_a_closed_workshop_refuses_the_leaderboard_control_too(
    client, workshop, charlie
):
    """Issue 14, item 8: every other control already refused."""
    from workshops.services import workshop_close

    workshop_close(workshop=workshop)
    client.force_login(charlie)
    url = reverse("workshops:leaderboard", args=[workshop.pk])
    response = client.post(url, {"shown": "1"}, follow=True)
    assert "The workshop is closed." in response.content.decode()
    workshop.refresh_from_db()
    assert not workshop.show_leaderboard
    assert url not in response.content.decode()  # the button is gone too
