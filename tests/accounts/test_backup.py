"""Back up trainees' results and restore them: nothing lost, all or nothing."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from quizzes.models import Answer, Attempt, Quiz
from quizzes.services import answer_save, attempt_start, attempt_submit

# Restores truncate tables, which PostgreSQL refuses inside the per-test
# transaction once rows are pending; these tests commit like a real restore.
pytestmark = pytest.mark.django_db(transaction=True)


def _results(alice, questions):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    answer_save(
        attempt=attempt, question=questions["groups-nest"], response={"value": False}
    )
    return attempt_submit(attempt=attempt)


def test_backup_then_restore_brings_results_back(alice, questions, tmp_path):
    attempt = _results(alice, questions)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    backup = json.loads(path.read_text())
    assert backup["backup_format"] == 3
    rows = backup["objects"]
    assert any(row["model"] == "quizzes.attempt" for row in rows)
    assert not any(row["model"].startswith("axes.") for row in rows)

    call_command("restore", str(path), "--replace", verbosity=0)
    restored = Attempt.objects.get(pk=attempt.pk)
    assert restored.user.username == "alice"
    assert restored.score == attempt.score
    assert Answer.objects.filter(attempt=restored).count() == 7
    assert User.objects.get(username="alice").check_password(
        "correct horse battery staple"
    )


def test_restore_refuses_a_database_with_accounts(alice, tmp_path, bank):
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match="already has accounts"):
        call_command("restore", str(path))


def test_a_broken_backup_restores_nothing(alice, bank, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "quizzes.attempt", "pk": 1, "fields": {"quiz": 999}}]')
    before = User.objects.count()
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(path), "--replace")
    assert User.objects.count() == before


def test_backup_never_overwrites_a_file(tmp_path, db):
    path = tmp_path / "exists.json"
    path.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path))
    assert path.read_text() == "keep me"


def test_a_backup_from_before_fraction_scores_restores_them_as_fractions(
    alice, questions, tmp_path
):
    attempt = _results(alice, questions)
    Attempt.objects.filter(pk=attempt.pk).update(score=0.853)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    rows = json.loads(path.read_text())["objects"]
    for row in rows:  # the file an older version wrote: a bare list, in percent
        if row["model"] == "quizzes.attempt":
            row["fields"]["score"] = 85.3
    old = tmp_path / "old.json"
    old.write_text(json.dumps(rows))

    call_command("restore", str(old), "--replace", verbosity=0)
    assert Attempt.objects.get(pk=attempt.pk).score == pytest.approx(0.853)


def test_a_file_that_is_no_backup_restores_nothing(alice, bank, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"backup_format": 99, "objects": []}')
    before = User.objects.count()
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(path), "--replace")
    assert User.objects.count() == before


def test_backup_keeps_topics_their_study_links_and_workshop_links(
    alice, charlie, questions, tmp_path
):
    from curriculum.models import Topic
    from exercises.models import Exercise, Submission
    from workshops.models import WorkshopAttempt, WorkshopSubmission
    from workshops.services import membership_join, workshop_create, workshop_open

    quiz = Quiz.objects.get(slug="basics")
    workshop = workshop_open(
        workshop=workshop_create(title="Backed up", created_by=charlie, contents=[quiz])
    )
    membership_join(workshop=workshop, user=alice)
    attempt = _results(alice, questions)
    exercise = Exercise.objects.create(slug="e", title="E", kind="write", reference="")
    submission = Submission.objects.create(exercise=exercise, user=alice, text="{}")
    WorkshopSubmission.objects.create(workshop=workshop, submission=submission)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)

    call_command("restore", str(path), "--replace", verbosity=0)
    assert WorkshopAttempt.objects.get().attempt_id == attempt.pk
    assert WorkshopSubmission.objects.get().submission_id == submission.pk
    topic = Topic.objects.get(slug="iam-groups")
    assert topic.study.guide.slug == "iam-groups"
    assert Topic.objects.get(slug="container").study.category.slug == "container"


def test_a_restore_replaces_curriculum_pages_cached_before_it(alice, bank, tmp_path):
    from django.test import Client

    from responsibility.models import ResponsibilityArea

    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    area = ResponsibilityArea.objects.order_by("pk").first()
    original = area.name
    area.name = "Renamed after the backup"
    area.save()
    client = Client()
    assert "Renamed after the backup" in client.get("/matrix/").content.decode()

    call_command("restore", str(path), "--replace", verbosity=0)
    page = client.get("/matrix/").content.decode()
    assert "Renamed after the backup" not in page
    assert original in page


def test_guests_links_ids_and_times_survive_a_restore(charlie, questions, tmp_path):
    """Issue 14, item 5: users came back by username with new ids, so 15 of 17
    guests' personal links returned 404; times lost their microseconds."""
    from datetime import UTC, datetime

    from django.test import Client
    from django.urls import reverse

    from workshops.models import Membership
    from workshops.resume import resume_token_make
    from workshops.services import (
        guest_create,
        membership_join,
        workshop_create,
        workshop_open,
    )

    quiz = Quiz.objects.get(slug="basics")
    workshop = workshop_open(
        workshop=workshop_create(title="Room", created_by=charlie, contents=[quiz])
    )
    guests = [guest_create(display_name=f"Guest {n}") for n in range(6)]
    for guest in guests[::2]:  # gaps in the ids, as deleted guests leave
        guest.delete()
    guests = guests[1::2]
    for guest in guests:
        membership_join(workshop=workshop, user=guest)
    attempt = attempt_start(quiz=quiz, user=guests[0])
    moment = datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=UTC)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=moment)
    links = {
        g.pk: reverse("workshops:resume", args=[resume_token_make(g)]) for g in guests
    }
    ids = {g.pk: g.username for g in guests}
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)

    call_command("restore", str(path), "--replace", verbosity=0)
    assert {u.pk: u.username for u in User.objects.filter(pk__in=ids)} == ids
    for pk, link in links.items():
        client = Client()
        assert client.get(link).status_code == 200
        client.post(link)
        assert int(client.session["_auth_user_id"]) == pk
    assert Attempt.objects.get(pk=attempt.pk).started_at == moment
    assert Membership.objects.filter(user_id__in=ids).count() == len(ids)
    newcomer = guest_create(display_name="After the restore")  # ids move on
    assert newcomer.pk > max(ids)


def test_a_restore_brings_back_every_source(alice, bank, tmp_path):
    from exercises.models import Exercise
    from quizzes.models import Question
    from responsibility.models import Guide, Service

    page = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    Exercise.objects.create(
        slug="e", title="E", kind="write", reference="", source=page + "e"
    )
    models = [Guide, Question, Service]
    for model in models:  # the shipped content has sources: one row keeps one
        model.objects.update(source="")
        model.objects.filter(pk=model.objects.first().pk).update(source=page)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    Exercise.objects.update(source="")
    for model in models:
        model.objects.update(source="")

    call_command("restore", str(path), "--replace", verbosity=0)
    assert Exercise.objects.get(slug="e").source == page + "e"
    for model in models:
        assert model.objects.exclude(source="").get().source == page


def test_a_restore_keeps_each_questions_mark(alice, bank, tmp_path):
    from quizzes.models import Question

    Question.objects.filter(slug="groups-nest").update(mark=Decimal("2.5"))
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    Question.objects.update(mark=1)

    call_command("restore", str(path), "--replace", verbosity=0)
    assert dict(Question.objects.exclude(mark=1).values_list("slug", "mark")) == {
        "groups-nest": Decimal("2.5")
    }


def test_a_backup_from_before_marks_restores_every_question_worth_one(
    alice, bank, tmp_path
):
    from quizzes.models import Question

    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    backup = json.loads(path.read_text())
    for row in backup["objects"]:
        if row["model"] == "quizzes.question":
            del row["fields"]["mark"]
    path.write_text(json.dumps(backup))
    Question.objects.update(mark=3)

    call_command("restore", str(path), "--replace", verbosity=0)
    assert set(Question.objects.values_list("mark", flat=True)) == {1}
