"""
Dependencies point one way: a lower layer never imports a higher one, in code, in
model relations or in migrations.

    iam (no Django)    accounts
                 ^      ^
                 curriculum        topics, content, the cache, shared helpers
                 ^        ^
       responsibility    exercises, labs
                 ^        ^
             quizzes      |
                 ^        |
                 workshops  lti    workshops links attempts and submissions it
                                   owns, reads lab accounts; lti launches
                 ^          ^      quizzes, exercises and labs from an LMS
                 config

Every top-level package of the project must be in LAYERS, so that a new app is
placed in the graph when it is added.
"""

import ast
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent

# Each package and the packages it may use directly; what those use is allowed
# too. Anything not listed here is not a project package (django, yaml, ...).
LAYERS: dict[str, set[str]] = {
    "iam": set(),
    "accounts": set(),
    "curriculum": {"iam", "accounts"},
    "responsibility": {"curriculum"},
    # Sort questions are keyed by responsibility's categories and services.
    "quizzes": {"responsibility"},
    "exercises": {"curriculum"},
    # Practice accounts and labs: the engine's account, topics, rate limits.
    "labs": {"curriculum"},
    "workshops": {"quizzes", "exercises", "labs"},
    # LTI launches into quizzes, exercises and labs; nothing depends on it.
    "lti": {"quizzes", "exercises", "labs"},
    "config": {"workshops", "lti"},
}

# Edges that existing databases have applied and that cannot change: migrations
# of a lower app that depend on a migration of a higher (or sibling) app.
HISTORICAL_MIGRATION_EDGES = {
    # Attempt.workshop, a foreign key to workshops.Workshop until workshops
    # 0002 took the link over and quizzes 0003 dropped the column.
    ("quizzes", "0002_attempt_workshop", "workshops"),
    # Submission.workshop, likewise, until exercises 0003.
    ("exercises", "0002_submission_workshop", "workshops"),
    # Exercise.topics pointed at quizzes.Topic until Topic moved to curriculum.
    ("exercises", "0001_initial", "quizzes"),
}


@cache
def allowed(package: str) -> frozenset[str]:
    """The packages `package` may use: its own, what it lists, and theirs."""
    reach = {package}
    for lower in LAYERS[package]:
        reach |= allowed(lower)
    return frozenset(reach)


def _packages() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name != "tests"
    )


def _modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                yield package, relative


def _imports(path: Path) -> set[str]:
    """Top-level names of every absolute import, lazy ones inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _wrong_imports() -> set[tuple[str, str]]:
    wrong = set()
    for package, relative in _modules():
        for name in _imports(ROOT / relative) & set(LAYERS):
            if name not in allowed(package):
                wrong.add((str(relative), name))
    return wrong


def test_every_top_level_package_has_a_place_in_the_layers():
    assert _packages() == sorted(LAYERS)


def test_no_module_imports_a_higher_layer():
    wrong = _wrong_imports()
    assert not wrong, "\n".join(f"{m} imports {p}" for m, p in sorted(wrong))


def test_the_iam_engine_imports_no_django():
    for package, relative in _modules():
        if package == "iam":
            assert "django" not in _imports(ROOT / relative), relative


def test_model_relations_point_down():
    wrong = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in LAYERS:
            continue
        for field in model._meta.get_fields():
            # Forward relations only: a reverse one is the other model's field.
            if not field.is_relation or field.auto_created:
                continue
            target = field.related_model._meta.app_label
            if target in LAYERS and target not in allowed(app):
                wrong.append(f"{model._meta.label}.{field.name} -> {target}")
    assert not wrong, "\n".join(wrong)


def test_migrations_depend_only_on_lower_apps():
    """
    Declared dependencies only: a higher app orders itself before a lower app's
    migration with run_before (workshops 0002, quizzes 0001), which is allowed.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wrong = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in LAYERS:
            continue
        for target, _ in migration.dependencies:
            edge = (app, name, target)
            upward = target in LAYERS and target not in allowed(app)
            if upward and edge not in HISTORICAL_MIGRATION_EDGES:
                wrong.append(f"{app}.{name} depends on {target}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("edge", sorted(HISTORICAL_MIGRATION_EDGES))
def test_each_historical_migration_edge_still_exists(edge):
    app, name, target = edge
    migration = MigrationLoader(None, ignore_no_migrations=True).disk_migrations[
        (app, name)
    ]
    assert target in {dependency for dependency, _ in migration.dependencies}


def test_the_allowed_table_has_no_cycle():
    for package in LAYERS:
        for lower in LAYERS[package]:
            assert package not in allowed(lower), f"{package} <-> {lower}"
