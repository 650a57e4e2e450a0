from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.db import transaction

from .groups import INSTRUCTORS, TRAINEES


@transaction.atomic
def trainee_sign_up(*, username: str, password: str, email: str = "") -> User:
    """Create an account that starts as a trainee."""
    user = User.objects.create_user(username=username, password=password, email=email)
    trainees, _ = Group.objects.get_or_create(name=TRAINEES)
    user.groups.add(trainees)
    return user


def instructors_staff_sync(*, user_ids: Iterable[int]) -> None:
    """
    Make instructors staff, so they can author in the admin, and take staff
    access back from those who left the group, unless they still hold it for
    another reason: superusers, and users with permissions of their own or
    through another group.
    """
    user_ids = set(user_ids)
    if not user_ids:
        return
    users = User.objects.filter(pk__in=user_ids)
    users.filter(groups__name=INSTRUCTORS, is_staff=False).update(is_staff=True)
    users.filter(is_staff=True, is_superuser=False).exclude(
        groups__name=INSTRUCTORS
    ).exclude(user_permissions__isnull=False).exclude(
        groups__permissions__isnull=False
    ).update(is_staff=False)
