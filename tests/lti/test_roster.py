"""A course's roster from the platform (Names and Role Provisioning)."""

import pytest
from django.core.management import call_command

from .conftest import launch
from .platform import INSTRUCTOR, LEARNER

pytestmark = pytest.mark.django_db

MEMBERS = [
    {
        "user_id": "learner-1",
        "status": "Active",
        "name": "Lee Learner",
        "given_name": "Lee",
        "family_name": "Learner",
        "email": "lee@school.test",
        "roles": [LEARNER],
    },
    {
        "user_id": "learner-2",
        "status": "Active",
        "name": "Kim Student",
        "given_name": "Kim",
        "family_name": "Student",
        "email": "kim@school.test",
        "roles": ["Learner"],
    },
    {
        "user_id": "teacher-1",
        "status": "Active",
        "name": "Tess Teacher",
        "given_name": "Tess",
        "family_name": "Teacher",
        "roles": [INSTRUCTOR],
    },
    {"user_id": "gone-1", "status": "Inactive", "roles": [LEARNER]},
]


def _teacher(client, platform):
    return launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])


def test_an_instructor_syncs_the_roster_and_accounts_are_made(client, platform, quiz):
    from lti_tool.models import LtiMembership, LtiUser

    platform.members = MEMBERS
    _teacher(client, platform)

    response = client.post("/lti/roster/", secure=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Synced 4 members" in page
    assert "Kim Student" in page
    kim = LtiUser.objects.get(sub="learner-2")
    assert kim.auth_user.first_name == "Kim"
    assert not kim.auth_user.has_usable_password()
    assert kim.auth_user.groups.filter(name="Trainees").exists()
    assert LtiMembership.objects.get(user=kim).is_learner
    teacher = LtiMembership.objects.get(user__sub="teacher-1")
    assert teacher.is_instructor and not teacher.is_learner
    assert not LtiMembership.objects.get(user__sub="gone-1").is_active
    # Instructors in the LMS are not the site's instructors unless allowed.
    assert not teacher.user.auth_user.groups.filter(name="Instructors").exists()


def test_lms_instructors_join_the_site_instructors_when_the_platform_allows(
    client, platform, quiz
):
    from lti_tool.models import LtiUser

    from lti.models import RegistrationOptions

    RegistrationOptions.objects.create(
        registration=platform_registration(), instructors_join_group=True
    )
    _teacher(client, platform)

    user = LtiUser.objects.get(sub="teacher-1").auth_user
    assert user.groups.filter(name="Instructors").exists()
    assert user.is_staff


def platform_registration():
    from lti_tool.models import LtiRegistration

    return LtiRegistration.objects.get()


def test_a_learner_may_not_see_the_roster(client, platform, quiz):
    launch(client, platform)

    response = client.get("/lti/roster/", secure=True)

    assert response.status_code == 403
    assert "may see its roster" in response.content.decode()


def test_a_platform_that_refuses_the_roster_says_so_and_stores_nothing(
    client, platform, quiz
):
    from lti_tool.models import LtiUser

    _teacher(client, platform)
    before = LtiUser.objects.count()
    platform.down = True

    response = client.post("/lti/roster/", secure=True)

    assert response.status_code == 502
    assert "roster could not be fetched" in response.content.decode()
    assert LtiUser.objects.count() == before


def test_the_command_syncs_every_course_roster(client, platform, quiz):
    from lti_tool.models import LtiUser

    launch(client, platform)
    platform.members = MEMBERS

    call_command("lti_roster_sync")

    assert LtiUser.objects.filter(auth_user__isnull=False).count() == 4


def test_the_admin_action_syncs_a_roster(admin_client, client, platform, quiz):
    from lti_tool.models import LtiContext, LtiUser

    launch(client, platform)
    platform.members = MEMBERS
    context = LtiContext.objects.get()

    response = admin_client.post(
        "/admin/lti_tool/lticontext/",
        {"action": "sync_roster", "_selected_action": [context.pk]},
        follow=True,
    )

    assert "4 members" in response.content.decode()
    assert LtiUser.objects.count() == 4


def test_a_roster_sync_without_a_tool_key_says_what_to_run(client, platform, quiz):
    from lti_tool.models import Key

    _teacher(client, platform)
    Key.objects.all().delete()

    response = client.post("/lti/roster/", secure=True)

    assert response.status_code == 503
    assert "manage.py lti_keys" in response.content.decode()
