"""Where to study a topic: the links the progress page shows."""

import pytest
from django.urls import reverse

from curriculum.models import Topic
from responsibility.selectors import STUDY_RELATED, study_links

pytestmark = pytest.mark.django_db


def test_a_topic_links_to_its_guide_category_and_matrix_row(content):
    from responsibility.models import (
        Guide,
        ResponsibilityArea,
        ServiceCategory,
        TopicStudy,
    )

    topic = Topic.objects.create(slug="t", name="T")
    guide = Guide.objects.first()
    category = ServiceCategory.objects.first()
    area = ResponsibilityArea.objects.first()
    TopicStudy.objects.create(topic=topic, guide=guide, category=category, area=area)
    topic = Topic.objects.select_related(*STUDY_RELATED).get(pk=topic.pk)
    matrix = reverse("responsibility:matrix")
    assert study_links(topic) == [
        (f"Guide: {guide.title}", guide.get_absolute_url()),
        (category.name, category.get_absolute_url()),
        (
            f"Matrix: {area.name}",
            f"{matrix}#area-{area.slug}",
        ),
    ]


def test_a_topic_without_a_study_row_has_no_links(db):
    assert study_links(Topic.objects.create(slug="t", name="T")) == []


def test_the_progress_page_links_weak_topics_to_their_guide(client, alice, questions):
    from quizzes.models import Quiz
    from quizzes.services import answer_save, attempt_start, attempt_submit

    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    answer_save(
        attempt=attempt,
        question=questions["groups-rule"],
        response={"choice": questions["groups-rule"].choices.first().pk},
    )
    attempt_submit(attempt=attempt)
    client.force_login(alice)
    page = client.get(reverse("quizzes:progress")).content.decode()
    assert "Guide: " in page
