"""Labs on the progress page, registered from labs' AppConfig."""

from django.urls import reverse

from curriculum.progress import practice_sections
from labs.selectors import practice_records
from labs.services import account_change
from tests.labs.lab_fixtures import group_lab, topics

__all__ = ["group_lab", "topics"]  # fixtures


def test_labs_are_a_practice_source_of_the_progress_page(alice, group_lab):
    [section] = [s for s in practice_sections(alice) if s.app == "labs"]
    assert section.title == "Labs" and section.attempts_label == "Checks"
    [record] = section.records
    assert record.title == "Auditors read" and not record.solved
    assert record.attempts == 0 and record.best_score == 0.0
    # Its columns are a lab's, not an exercise's.
    assert (section.item_label, section.kind_label) == ("Lab", "Difficulty")
    assert record.kind == "Easy"


def test_the_progress_page_heads_the_labs_columns_as_labs(client, alice, group_lab):
    client.force_login(alice)
    html = client.get(reverse("quizzes:progress")).content.decode()
    labs = html.split('id="practice-labs-heading"', 1)[1]
    assert '<th scope="col">Lab</th><th scope="col">Difficulty</th>' in labs


def test_a_record_counts_checks_and_the_goals_met(client, alice, group_lab):
    client.force_login(alice)
    client.post(reverse("labs:open", args=["auditors"]))
    client.post(reverse("labs:check", args=["auditors"]))
    [record] = practice_records(alice)
    assert record.attempts == 1 and record.best_score == 0.5
    practice = alice.practice_accounts.get()
    with account_change(practice, "attach") as account:
        account.attach_policy(
            "group", "Auditors", "arn:aws:iam::aws:policy/ReadOnlyAccess"
        )
    client.post(reverse("labs:check", args=["auditors"]))
    [record] = practice_records(alice)
    assert record.solved and record.best_score == 1.0 and record.attempts == 2


def test_the_progress_page_lists_the_labs(client, alice, group_lab):
    client.force_login(alice)
    page = client.get(reverse("quizzes:progress")).content.decode()
    assert "Labs" in page and "Auditors read" in page


def test_the_sandbox_is_not_a_lab_record(alice, group_lab):
    from labs.services import sandbox_for

    sandbox_for(alice)
    assert [r.title for r in practice_records(alice)] == ["Auditors read"]
