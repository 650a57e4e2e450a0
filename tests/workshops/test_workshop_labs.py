"""Labs as agenda items: the editor, the trainee's agenda, the dashboard (status,
score as goals met, the commonest unmet goal), the projector, the way back from
a lab's page, and guests with a checked lab kept by prune_guests."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from labs.lab_services import lab_account_open, lab_check
from labs.models import PracticeAccount
from labs.services import account_change
from tests.labs.lab_fixtures import group_lab, topics
from workshops.dashboard import PASSED, trainee_cells, workshop_dashboard
from workshops.forms import agenda_initial, content_choices
from workshops.models import AgendaItem, GuestProfile, Membership
from workshops.services import (
    agenda_set,
    guest_create,
    items_unlock_all,
    membership_join,
    workshop_close,
    workshop_create,
    workshop_duplicate,
    workshop_open,
)

__all__ = ["group_lab", "topics"]  # fixtures

pytestmark = pytest.mark.django_db

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@pytest.fixture
def lab_workshop(quiz, group_lab, charlie):
    """An open workshop: the quiz, then the lab, both unlocked."""
    workshop = workshop_create(
        title="Hands on", created_by=charlie, contents=[quiz, group_lab]
    )
    workshop = workshop_open(workshop=workshop)
    items_unlock_all(workshop=workshop)
    return workshop


def _solve(practice):
    with account_change(practice, "attach") as account:
        account.attach_policy("group", "Auditors", READ_ONLY)


def test_the_agenda_editor_offers_published_labs(group_lab):
    groups = dict(content_choices()[1:])
    assert (f"lab:{group_lab.pk}", "Auditors read") in groups["Labs"]


def test_an_instructor_puts_a_lab_on_the_agenda(client, charlie, quiz, group_lab):
    client.force_login(charlie)
    response = client.post(reverse("workshops:create"), {
        "title": "Labs day", "date": "2026-12-07",
        "agenda-TOTAL_FORMS": "2", "agenda-INITIAL_FORMS": "0",
        "agenda-0-content": f"lab:{group_lab.pk}",
        "agenda-1-content": f"quiz:{quiz.pk}",
    })  # fmt: skip
    assert response.status_code == 302
    item = AgendaItem.objects.get(lab=group_lab)
    assert item.order == 0 and item.kind_label == "Lab"
    assert item.title == "Auditors read"
    assert agenda_initial(item.workshop) == [
        {"content": f"lab:{group_lab.pk}"},
        {"content": f"quiz:{quiz.pk}"},
    ]


def test_a_lab_that_does_not_exist_is_a_form_error(client, charlie, group_lab):
    client.force_login(charlie)
    response = client.post(reverse("workshops:create"), {
        "title": "Labs day", "date": "2026-12-07",
        "agenda-TOTAL_FORMS": "1", "agenda-INITIAL_FORMS": "0",
        "agenda-0-content": "lab:999999",
    })  # fmt: skip
    assert response.status_code in (200, 422)
    assert not AgendaItem.objects.exists()


def test_agenda_set_keeps_a_lab_item_and_duplicate_copies_it(
    lab_workshop, quiz, group_lab, charlie
):
    item = AgendaItem.objects.get(workshop=lab_workshop, lab=group_lab)
    agenda_set(workshop=lab_workshop, contents=[group_lab, quiz, group_lab])
    kept = AgendaItem.objects.get(workshop=lab_workshop, lab=group_lab)
    assert kept.pk == item.pk and kept.order == 0 and kept.unlocked
    copy = workshop_duplicate(workshop=lab_workshop, created_by=charlie)
    assert [i.content for i in copy.items.all()] == [group_lab, quiz]


def test_an_item_is_exactly_one_of_quiz_exercise_or_lab(lab_workshop, quiz, group_lab):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            workshop=lab_workshop, quiz=quiz, lab=group_lab, order=5
        )


def test_the_trainees_agenda_opens_the_lab(client, lab_workshop, alice):
    membership_join(workshop=lab_workshop, user=alice)
    client.force_login(alice)
    page = client.get(reverse("workshops:agenda", args=[lab_workshop.pk]))
    html = page.content.decode()
    assert "(lab)" in html
    assert f'href="{reverse("labs:lab", args=["auditors"])}">Open the lab' in html


def test_the_dashboard_shows_lab_status_score_and_the_commonest_unmet_goal(
    lab_workshop, group_lab, alice, bob
):
    for user in (alice, bob):
        membership_join(workshop=lab_workshop, user=user)
    carol = User.objects.create_user("carol")
    membership_join(workshop=lab_workshop, user=carol)
    solved = lab_account_open(user=alice, lab=group_lab)
    _solve(solved)
    lab_check(practice=solved)
    tried = lab_account_open(user=bob, lab=group_lab)
    lab_check(practice=tried)

    board = workshop_dashboard(lab_workshop)
    cells = {row.name: row.cells[1] for row in board.rows}
    assert cells["alice"].status is PASSED and cells["alice"].score == 100.0
    assert cells["bob"].status.label == "In progress"
    assert cells["bob"].score == 50.0  # one goal of two met
    assert cells["carol"].status.label == "Not started"
    stat = board.stats[1]
    assert (stat.started, stat.passed) == (2, 1)
    [unmet] = board.failing_goals
    assert unmet.text == "user dana can s3:GetObject on arn:aws:s3:::reports/*"
    assert unmet.trainees == 1 and unmet.item_title == "Auditors read"

    board = workshop_dashboard(workshop_close(workshop=lab_workshop))
    cells = {row.name: row.cells[1] for row in board.rows}
    assert cells["bob"].status.label == "Failed"


def test_the_dashboard_page_lists_unmet_lab_goals(
    client, lab_workshop, group_lab, charlie, alice
):
    membership_join(workshop=lab_workshop, user=alice)
    lab_check(practice=lab_account_open(user=alice, lab=group_lab))
    client.force_login(charlie)
    page = client.get(reverse("workshops:dashboard", args=[lab_workshop.pk]))
    html = page.content.decode()
    assert "Most frequent unmet lab goals" in html
    assert "User dana can s3:GetObject on arn:aws:s3:::reports/*" in html


def test_a_non_member_s_lab_account_is_not_on_the_dashboard(
    lab_workshop, group_lab, alice
):
    lab_check(practice=lab_account_open(user=alice, lab=group_lab))
    board = workshop_dashboard(lab_workshop)
    assert board.rows == [] and board.failing_goals == []


def test_the_dashboard_query_count_does_not_grow_with_lab_accounts(
    client, lab_workshop, group_lab, charlie, django_assert_max_num_queries
):
    def join(count, start):
        users = User.objects.bulk_create(
            User(username=f"t{n}", password="!") for n in range(start, start + count)
        )
        Membership.objects.bulk_create(
            Membership(workshop=lab_workshop, user=u) for u in users
        )
        for user in users:
            lab_check(practice=lab_account_open(user=user, lab=group_lab))

    client.force_login(charlie)
    url = reverse("workshops:dashboard_live", args=[lab_workshop.pk])
    client.get(url)
    join(2, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    join(12, 2)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_trainees_own_cells_show_the_lab(lab_workshop, group_lab, alice):
    membership_join(workshop=lab_workshop, user=alice)
    practice = lab_account_open(user=alice, lab=group_lab)
    _solve(practice)
    lab_check(practice=practice)
    [(_, quiz_cell), (item, lab_cell)] = trainee_cells(lab_workshop, alice)
    assert item.is_lab and lab_cell.status is PASSED


def test_the_projector_names_the_current_lab(client, lab_workshop, charlie):
    client.force_login(charlie)
    page = client.get(reverse("workshops:projector", args=[lab_workshop.pk]))
    assert "Now: Auditors read" in page.content.decode()
    assert "(lab)" in page.content.decode()


def test_a_lab_on_a_joined_workshops_agenda_links_back(
    client, lab_workshop, alice, bob
):
    membership_join(workshop=lab_workshop, user=alice)
    url = reverse("labs:lab", args=["auditors"])
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Back to the workshop’s agenda" in page
    client.force_login(bob)
    assert "Back to the workshop" not in client.get(url).content.decode()


def test_prune_guests_keeps_a_guest_who_checked_a_lab(group_lab):
    old = timezone.now() - timedelta(days=40)
    checked = guest_create(display_name="Lab Lou")
    lab_check(practice=lab_account_open(user=checked, lab=group_lab))
    opened = guest_create(display_name="Open Ollie")
    lab_account_open(user=opened, lab=group_lab)
    GuestProfile.objects.update(created_at=old)
    call_command("prune_guests", stdout=StringIO())
    assert User.objects.filter(pk=checked.pk).exists()
    assert not User.objects.filter(pk=opened.pk).exists()
    assert PracticeAccount.objects.filter(user=checked).exists()
