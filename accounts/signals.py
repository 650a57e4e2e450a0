"""Membership of the Instructors group decides staff access (see
``instructors_staff_sync``), however someone joins or leaves it: the admin's user
page, a service, the shell, from the user's side or the group's."""

from django.contrib.auth.models import Group, User
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from .groups import INSTRUCTORS
from .services import instructors_staff_sync


def _is_instructors(group_ids) -> bool:
    return Group.objects.filter(pk__in=group_ids or [], name=INSTRUCTORS).exists()


@receiver(m2m_changed, sender=User.groups.through)
def instructors_membership_changed(sender, instance, action, reverse, pk_set, **kw):
    # reverse: the group's side (group.user_set.add(...)), pk_set holds users.
    if action == "pre_clear":
        if reverse and instance.name == INSTRUCTORS:
            instance._instructor_ids = list(
                instance.user_set.values_list("pk", flat=True)
            )
        elif not reverse and instance.groups.filter(name=INSTRUCTORS).exists():
            instance._instructor_ids = [instance.pk]
        return
    if action == "post_clear":
        user_ids = instance.__dict__.pop("_instructor_ids", [])
    elif action not in {"post_add", "post_remove"}:
        return
    elif reverse:
        user_ids = pk_set if instance.name == INSTRUCTORS else []
    else:
        user_ids = [instance.pk] if _is_instructors(pk_set) else []
    instructors_staff_sync(user_ids=user_ids)
    if not reverse and user_ids:
        # The caller's object shows the new flag too, not only the database.
        instance.is_staff = User.objects.values_list("is_staff", flat=True).get(
            pk=instance.pk
        )


@receiver(pre_save, sender=User)
def instructor_stays_staff(sender, instance, update_fields=None, **kwargs):
    """Unticking "staff status" of an instructor on the admin's user page does not
    stick while they are in the group: leaving the group takes staff access away."""
    if instance.pk is None or instance.is_staff:
        return
    if update_fields is not None and "is_staff" not in update_fields:
        return
    if instance.groups.filter(name=INSTRUCTORS).exists():
        instance.is_staff = True
