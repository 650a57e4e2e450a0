"""Shared fixtures: the standard cast of users and the shipped curriculum."""

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

# Imports of Django models stay inside the fixtures, so that the engine's tests
# under tests/iam/ also run without Django (`-p no:django`).
from accounts.groups import INSTRUCTORS, TRAINEES
from tests.quizzes.bank import BANK

PASSWORD = "correct horse battery staple"

# Property tests never depend on how fast this machine is: no per-example
# deadline and no "too slow" health check. On CI (.ci/run sets CI) they draw
# the same examples every run, so a red run can be reproduced.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _unhurried_comparisons(monkeypatch):
    """A comparison's verdict never depends on how busy the machine is: the
    same request budget as in production, and no time limit to speak of."""
    import importlib

    # ``iam.compare`` is also the name of the function the package exports.
    module = importlib.import_module("iam.compare")
    monkeypatch.setattr(module, "DEFAULT_BUDGET", module.Budget(seconds=600))


def instructors_can_author() -> None:
    """Give the Instructors group what its data migration gives it: a
    transactional test empties the tables that migrations filled."""
    from importlib import import_module

    from django.apps import apps

    import_module("workshops.migrations.0005_instructors_author").grant(apps, None)
    import_module("workshops.migrations.0007_instructors_author_labs").grant(apps, None)


def _user(username: str, group: str | None = None, **extra):
    from django.contrib.auth.models import Group, User

    if group == INSTRUCTORS:
        instructors_can_author()
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def alice(db):
    """A trainee."""
    return _user("alice", TRAINEES)


@pytest.fixture
def bob(db):
    """A second trainee."""
    return _user("bob", TRAINEES)


@pytest.fixture
def charlie(db):
    """An instructor."""
    return _user("charlie", INSTRUCTORS)


@pytest.fixture
def admin_user(db):
    """A staff administrator."""
    return _user("dana", is_staff=True, is_superuser=True)


def _load_content() -> None:
    from responsibility.services import content_load

    content_load()


def _load_bank() -> None:
    from quizzes.interchange import check_document
    from quizzes.services import questions_import

    _load_content()
    questions_import(document=check_document(BANK))


class LoadedRows:
    """
    The rows that a loader adds to an empty database, kept to be copied back.

    Loading the curriculum through its services costs about a tenth of a second
    (every row is looked up, saved and bumps the curriculum's version token);
    copying the same rows back with one `bulk_create()` per table costs a few
    milliseconds. So a loader runs once per session, in a transaction that is
    rolled back, and each test that asks for what it loads gets a copy inside its
    own transaction: every other test still starts from an empty curriculum.
    """

    def __init__(self, load: Callable[[], None]) -> None:
        from django.apps import apps
        from django.db import transaction

        from curriculum.models import CurriculumVersion

        # The version token is not content: restore() gives it a fresh value.
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model is not CurriculumVersion
        ]
        with transaction.atomic():
            before = {model: set(_pks(model)) for model in models}
            load()
            added = {
                model: [
                    row
                    for row in model.objects.values(*_attnames(model))
                    if row[model._meta.pk.attname] not in before[model]
                ]
                for model in models
            }
            transaction.set_rollback(True)
        self.tables = [(model, added[model]) for model in _by_dependency(added)]

    def restore(self) -> None:
        """Write the rows again, as the loader would, and announce new content."""
        from django.core.management.color import no_style
        from django.db import connection

        from curriculum.cache import content_changed

        for model, rows in self.tables:
            model.objects.bulk_create(model(**row) for row in rows)
        # Rows keep their primary keys; on PostgreSQL the sequences must follow
        # them, as after `loaddata`.
        models = [model for model, _ in self.tables]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        content_changed()


def _pks(model) -> list:
    return list(model.objects.values_list("pk", flat=True))


def _attnames(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _by_dependency(added: dict) -> list:
    """The models that received rows, each after the models it points to."""
    pending = [model for model, rows in added.items() if rows]
    ordered: list = []
    while pending:
        ready = [
            model
            for model in pending
            if all(
                field.related_model in ordered or field.related_model is model
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model in pending
            )
        ]
        assert ready, f"a cycle of foreign keys between {pending}"
        ordered += ready
        pending = [model for model in pending if model not in ready]
    return ordered


@pytest.fixture(scope="session")
def load_once(django_db_setup, django_db_blocker) -> Callable[[Callable], None]:
    """
    `load_once(load)` writes into the test's database what `load()` writes into
    an empty one; `load` itself runs once per session (see LoadedRows).
    """
    snapshots: dict[Callable, LoadedRows] = {}

    def restore(load: Callable[[], None]) -> None:
        if load not in snapshots:
            with django_db_blocker.unblock():
                snapshots[load] = LoadedRows(load)
        snapshots[load].restore()

    return restore


@pytest.fixture
def content(db, load_once):
    """The curriculum shipped in the repository, loaded."""
    load_once(_load_content)


@pytest.fixture
def bank(db, load_once):
    """The responsibility content and the small bank of tests/quizzes/bank.py."""
    load_once(_load_bank)


@pytest.fixture
def questions(bank):
    from quizzes.models import Question

    return {q.slug: q for q in Question.objects.all()}
