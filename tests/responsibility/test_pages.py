"""Every page renders what a trainee expects, in a bounded number of queries."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from responsibility.models import (
    Duty,
    Guide,
    Owner,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    ServiceDuty,
)

pytestmark = pytest.mark.django_db


def test_home_shows_both_sides_and_the_three_categories(client, content):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "security <em>of</em> the cloud" in html
    assert "security <em>in</em> the cloud" in html
    positions = [
        html.index(name)
        for name in [
            "Infrastructure services",
            "Container services",
            "Abstracted services",
        ]
    ]
    assert positions == sorted(positions), "categories in their order, not by name"
    assert html.count("<h1") == 1


def test_matrix_shows_every_cell_with_text_and_a_link(client, content):
    response = client.get(reverse("responsibility:matrix"))
    html = response.content.decode()
    assert response.status_code == 200
    for area in ResponsibilityArea.objects.all():
        assert escape(area.name) in html
    for duty in Duty.objects.select_related("category", "area"):
        assert (
            reverse("responsibility:duty", args=[duty.category.slug, duty.area.slug])
            in html
        )
    # Owners are spelled out, not shown by colour alone.
    assert html.count("</svg> AWS</span>") >= 12
    assert html.count("</svg> Customer</span>") >= 12


def test_duty_page_explains_a_cell(client, content):
    duty = Duty.objects.get(category__slug="infrastructure", area__slug="guest-os")
    url = reverse("responsibility:duty", args=["infrastructure", "guest-os"])
    page = client.get(url)
    assert page.status_code == 200
    assert escape(duty.explanation) in page.content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert escape(duty.explanation) in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_unknown_duty_is_a_friendly_404(client, content):
    response = client.get(reverse("responsibility:duty", args=["container", "nope"]))
    assert response.status_code == 404
    assert "could not find that page" in response.content.decode()


def test_category_page_lists_duties_and_services(client, content):
    category = ServiceCategory.objects.get(slug="container")
    response = client.get(category.get_absolute_url())
    html = response.content.decode()
    assert escape(category.aws_manages) in html
    assert "Docker" in html
    assert "RDS" in html
    for duty in category.duties.all():
        assert escape(duty.explanation) in html


def test_service_list_filters_by_category_and_search(client, content):
    url = reverse("responsibility:services")
    everything = client.get(url).context["services"]
    assert len(everything) == Service.objects.count()

    abstracted = client.get(url, {"category": "abstracted"}).context["services"]
    assert {s.category.slug for s in abstracted} == {"abstracted"}
    assert any(s.slug == "s3" for s in abstracted)

    found = client.get(url, {"q": "dynamodb"}).context["services"]
    assert [s.slug for s in found] == ["dynamodb"]


def test_service_list_rejects_an_unknown_category_with_a_form_error(client, content):
    response = client.get(reverse("responsibility:services"), {"category": "nope"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert len(response.context["services"]) == 0


def test_service_detail_shows_overrides_against_the_category(client, content):
    override = ServiceDuty.objects.select_related("service", "area").first()
    assert override is not None, "the shipped content should include overrides"
    response = client.get(override.service.get_absolute_url())
    html = response.content.decode()
    assert escape(override.explanation) in html
    assert "Differs from category" in html
    assert override.service.docs_url in html


def test_compare_ec2_with_rds_hands_duties_to_aws(client, content):
    response = client.get(
        reverse("responsibility:compare"), {"first": "ec2", "second": "rds"}
    )
    comparison = response.context["comparison"]
    moved = {row.area.slug for row in comparison.to_aws}
    assert {"guest-os", "application-platform"} <= moved
    html = response.content.decode()
    assert "Moving from EC2 to RDS" in html
    assert "Hands these duties to" in html


def test_compare_refuses_the_same_service_twice(client, content):
    response = client.get(
        reverse("responsibility:compare"), {"first": "s3", "second": "s3"}
    )
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "Choose two different services" in response.content.decode()


def test_compare_with_an_unknown_service_is_a_form_error(client, content):
    response = client.get(
        reverse("responsibility:compare"), {"first": "ec2", "second": "x"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_guides_list_and_detail(client, content):
    guides = list(Guide.objects.all())
    listing = client.get(reverse("responsibility:guides")).content.decode()
    for guide in guides:
        assert escape(guide.title) in listing
    detail = client.get(guides[1].get_absolute_url()).content.decode()
    assert escape(guides[1].title) in detail
    assert escape(guides[0].title) in detail  # previous link
    assert detail.count("<h1") == 1


def test_guide_markdown_is_sanitized(client, db):
    guide = Guide.objects.create(
        slug="xss",
        title="Injected",
        summary="s",
        body=(
            "# Title\n\n<script>alert(1)</script>\n\n"
            "[click](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n\n**bold**"
        ),
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<img" not in html
    assert "<strong>bold</strong>" in html
    assert html.count("<h1") == 1


def _add_content(count: int) -> None:
    """Add `count` areas, services and overrides, to show query counts stay flat."""
    categories = list(ServiceCategory.objects.all())
    for i in range(count):
        area = ResponsibilityArea.objects.create(
            slug=f"extra-{i}", name=f"Extra area {i}", order=500 + i, description="d"
        )
        for category in categories:
            Duty.objects.create(
                category=category, area=area, owner=Owner.SHARED, explanation="e"
            )
        service = Service.objects.create(
            slug=f"svc-{i}",
            name=f"Service {i}",
            short_name=f"Svc{i}",
            category=categories[i % 3],
            description="d",
            docs_url="https://docs.aws.amazon.com/",
            placement="p",
        )
        ServiceDuty.objects.create(
            service=service, area=area, owner=Owner.AWS, explanation="o"
        )
        Guide.objects.create(slug=f"g-{i}", title=f"G{i}", summary="s", body="b")


@pytest.mark.parametrize("extra", [0, 25])
@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("home", [], {}),
        ("responsibility:matrix", [], {}),
        ("responsibility:services", [], {}),
        ("responsibility:services", [], {"category": "container", "q": "a"}),
        ("responsibility:service", ["ec2"], {}),
        ("responsibility:category", ["abstracted"], {}),
        ("responsibility:compare", [], {"first": "ec2", "second": "lambda"}),
        ("responsibility:guides", [], {}),
        ("responsibility:guide", ["root-user"], {}),
    ],
)
def test_pages_use_a_bounded_number_of_queries(
    client, content, django_assert_max_num_queries, extra, name, args, params
):
    _add_content(extra)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200


SOURCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html"
SOURCE_LINK = f'Source: <a href="{SOURCE}" rel="noopener noreferrer">{SOURCE}</a>'


def test_a_guide_ends_with_its_source_when_it_has_one(client, content):
    guide = Guide.objects.first()
    Guide.objects.filter(pk=guide.pk).update(source="")
    assert "Source:" not in client.get(guide.get_absolute_url()).content.decode()
    Guide.objects.filter(pk=guide.pk).update(source=SOURCE)
    page = client.get(guide.get_absolute_url()).content.decode()
    assert SOURCE_LINK in page
    assert page.index(SOURCE_LINK) < page.index("</article>")
    assert page.index(SOURCE_LINK) > page.index('<p class="lead">')


def test_a_service_page_cites_the_source_of_its_placement(client, content):
    service = Service.objects.get(slug="ec2")
    Service.objects.filter(pk=service.pk).update(source="")
    assert "Source:" not in client.get(service.get_absolute_url()).content.decode()
    Service.objects.filter(pk=service.pk).update(source=SOURCE)
    page = client.get(service.get_absolute_url()).content.decode()
    assert SOURCE_LINK in page
    placement = page.index(escape(service.placement))
    assert placement < page.index(SOURCE_LINK) < page.index("Who does what")
