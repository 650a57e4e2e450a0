from django.contrib.auth.models import Group, User
from django.db import transaction

from .groups import TRAINEES


@transaction.atomic
def trainee_sign_up(*, username: str, password: str, email: str = "") -> User:
    """Create an account that starts as a trainee."""
    user = User.objects.create_user(username=username, password=password, email=email)
    trainees, _ = Group.objects.get_or_create(name=TRAINEES)
    user.groups.add(trainees)
    return user
