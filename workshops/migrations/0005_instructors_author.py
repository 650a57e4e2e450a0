"""
Instructors author the curriculum in the admin: they are staff, and their group
may add, change, delete and view questions and their choices, quizzes and their
items, topics, guides, and exercises with their test requests and hints. Users,
groups, workshops, attempts and submissions stay with administrators.

The permissions live here, in the highest app, because they name models of
quizzes, exercises, responsibility and curriculum. Running it again changes
nothing; the reverse takes these permissions away from the group again (staff
flags are left alone: the migration cannot tell who was staff before).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS = "Instructors"
AUTHORING = {
    "quizzes": ["question", "choice", "quiz", "quizquestion", "quizdraw"],
    "curriculum": ["topic"],
    "responsibility": ["guide", "topicstudy"],
    "exercises": ["exercise", "testrequest", "hint"],
}
ACTIONS = ["add", "change", "delete", "view"]


def _authoring_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    # Django creates permissions after the whole migrate run; a fresh database
    # needs them now.
    for label in AUTHORING:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    wanted = {
        (label, f"{action}_{model}")
        for label, models in AUTHORING.items()
        for model in models
        for action in ACTIONS
    }
    found = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=AUTHORING
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    assert len(found) == len(wanted), "an authoring permission is missing"
    return found


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    instructors.permissions.add(*_authoring_permissions(apps))
    User.objects.filter(groups=instructors).update(is_staff=True)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    instructors = Group.objects.filter(name=INSTRUCTORS).first()
    if instructors is not None:
        instructors.permissions.remove(*_authoring_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_join_networks"),
        ("accounts", "0002_rate_limit"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("curriculum", "0002_topic"),
        ("responsibility", "0002_topicstudy"),
        ("quizzes", "0005_attempt_score_fraction"),
        ("exercises", "0004_topics_from_curriculum"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
