"""
Instructors author labs too: their group may add, change, delete and view labs
in the admin, and view trainees' practice accounts (read-only in the console),
as they review attempts and submissions in workshops. Changing a trainee's
account stays with its owner.

Running it again changes nothing; the reverse takes these permissions away.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS = "Instructors"
CODENAMES = ["add_lab", "change_lab", "delete_lab", "view_lab", "view_practiceaccount"]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    # Django creates permissions after the whole migrate run; a fresh database
    # needs them now.
    create_permissions(global_apps.get_app_config("labs"), apps=apps, verbosity=0)
    found = list(
        Permission.objects.filter(
            content_type__app_label="labs", codename__in=CODENAMES
        )
    )
    assert len(found) == len(CODENAMES), "a labs permission is missing"
    return found


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    instructors.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    instructors = Group.objects.filter(name=INSTRUCTORS).first()
    if instructors is not None:
        instructors.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_agenda_item_lab"),
        ("labs", "0002_practiceaccount_last_check"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
