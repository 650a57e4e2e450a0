"""Instructors are staff with authoring permissions, however they join the group."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.groups import INSTRUCTORS, TRAINEES
from tests.conftest import instructors_can_author

pytestmark = pytest.mark.django_db

MIGRATION = ("workshops", "0005_instructors_author")
BEFORE = ("workshops", "0004_join_networks")


def _staff(user: User) -> bool:
    return User.objects.get(pk=user.pk).is_staff


@pytest.fixture
def instructors():
    instructors_can_author()
    return Group.objects.get(name=INSTRUCTORS)


@pytest.fixture
def erin(db):
    return User.objects.create_user("erin", password="irrelevant passphrase")


def _codes(group: Group) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_instructors_group_may_author_content_and_nothing_else(instructors):
    codes = _codes(instructors)
    for model in [
        "quizzes.question", "quizzes.choice", "quizzes.quiz", "quizzes.quizquestion",
        "quizzes.quizdraw", "curriculum.topic", "responsibility.guide",
        "responsibility.topicstudy", "exercises.exercise", "exercises.testrequest",
        "exercises.hint", "labs.lab",
    ]:  # fmt: skip
        app, name = model.split(".")
        for action in ["add", "change", "delete", "view"]:
            assert f"{app}.{action}_{name}" in codes
    # ...and look at trainees' practice accounts, without changing them.
    assert "labs.view_practiceaccount" in codes
    assert len(codes) == 12 * 4 + 1
    assert not {code.split(".")[0] for code in codes} & {"auth", "workshops"}
    assert not any("attempt" in code or "submission" in code for code in codes)


def test_joining_the_group_makes_staff_and_leaving_takes_it_back(erin, instructors):
    erin.groups.add(instructors)
    assert erin.is_staff and _staff(erin)
    erin.groups.remove(instructors)
    assert not erin.is_staff and not _staff(erin)


def test_membership_changed_from_the_groups_side_counts_too(erin, instructors):
    instructors.user_set.add(erin)
    assert _staff(erin)
    instructors.user_set.remove(erin)
    assert not _staff(erin)
    instructors.user_set.set([erin])
    assert _staff(erin)


def test_clearing_memberships_takes_staff_back(erin, instructors):
    trainees, _ = Group.objects.get_or_create(name=TRAINEES)
    erin.groups.set([instructors, trainees])
    assert _staff(erin)
    erin.groups.clear()
    assert not _staff(erin)
    instructors.user_set.add(erin)
    instructors.user_set.clear()
    assert not _staff(erin)


def test_leaving_keeps_staff_held_for_another_reason(erin, instructors, admin_user):
    admin_user.groups.add(instructors)
    admin_user.groups.remove(instructors)
    assert _staff(admin_user)
    erin.user_permissions.add(Permission.objects.get(codename="view_user"))
    erin.groups.add(instructors)
    erin.groups.remove(instructors)
    assert _staff(erin)


def test_other_groups_leave_the_staff_flag_alone(erin):
    erin.is_staff = True
    erin.save()
    trainees, _ = Group.objects.get_or_create(name=TRAINEES)
    erin.groups.add(trainees)
    erin.groups.remove(trainees)
    assert _staff(erin)
    trainees.user_set.add(erin)
    trainees.user_set.clear()
    assert _staff(erin)


def test_unticking_staff_of_an_instructor_does_not_stick(charlie):
    charlie.is_staff = False
    charlie.save()
    assert _staff(charlie)


def test_the_migration_makes_existing_instructors_staff_again_and_again(charlie):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("workshops.migrations.0005_instructors_author")
    User.objects.filter(pk=charlie.pk).update(is_staff=False)
    instructors = Group.objects.get(name=INSTRUCTORS)
    before = _codes(instructors)
    assert len(before) == 49  # 44 from this migration, 5 for labs (0007)
    migration.grant(apps, None)
    migration.grant(apps, None)
    assert _codes(instructors) == before
    assert _staff(charlie)


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_applies_again():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS)
        assert _codes(instructors) == set()
        executor.loader.build_graph()
        executor.migrate([MIGRATION])
        assert len(_codes(Group.objects.get(name=INSTRUCTORS))) == 44
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_instructors_author_labs_and_view_practice_accounts(charlie):
    from importlib import import_module

    from django.apps import apps

    instructors = Group.objects.get(name=INSTRUCTORS)
    labs = {
        "labs.add_lab", "labs.change_lab", "labs.delete_lab", "labs.view_lab",
        "labs.view_practiceaccount",
    }  # fmt: skip
    assert labs <= _codes(instructors)
    assert "labs.change_practiceaccount" not in _codes(instructors)
    migration = import_module("workshops.migrations.0007_instructors_author_labs")
    before = _codes(instructors)
    migration.grant(apps, None)
    assert _codes(instructors) == before
    migration.revoke(apps, None)
    assert not labs & _codes(instructors)
