"""
The container, serverless and detection services of issue 17 say who patches
what, as AWS documents it, and their sort questions are keyed accordingly.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from quizzes.grading import sort_items
from quizzes.interchange import questions_load
from quizzes.models import Question
from responsibility.models import Guide, Service
from responsibility.selectors import service_duties

pytestmark = pytest.mark.django_db

NEW_SERVICES = [
    "ecs-on-ec2",
    "ecs-on-fargate",
    "eks-on-ec2",
    "eks-on-fargate",
    "rds-custom",
    "aws-app-runner",
    "ecr",
    "cloudtrail",
    "guardduty",
    "security-hub",
    "aws-config",
    "amazon-inspector",
    "artifact",
]


def owners(slug: str) -> dict[str, str]:
    """Area slug -> owner for a service, its category's duties with overrides."""
    service = Service.objects.get(slug=slug)
    return {row.area.slug: row.owner for row in service_duties(service)}


def test_every_new_service_is_placed_and_cites_an_aws_page(content):
    for slug in NEW_SERVICES:
        service = Service.objects.get(slug=slug)
        assert service.placement.strip(), slug
        assert service.source.startswith("https://docs.aws.amazon.com/"), slug


@pytest.mark.parametrize(
    ("slug", "area", "owner"),
    [
        # ECS on EC2: the container instances are the customer's EC2 instances.
        ("ecs-on-ec2", "guest-os", "customer"),
        ("ecs-on-ec2", "application-platform", "shared"),
        ("ecs-on-ec2", "host-os", "aws"),
        # Fargate: AWS provisions and patches the compute; the images stay yours.
        ("ecs-on-fargate", "guest-os", "aws"),
        ("ecs-on-fargate", "application-platform", "shared"),
        ("ecs-on-fargate", "network-firewall", "customer"),
        # EKS: AWS runs the control plane; EC2 worker nodes are the customer's.
        ("eks-on-ec2", "guest-os", "customer"),
        ("eks-on-ec2", "application-platform", "shared"),
        ("eks-on-fargate", "guest-os", "aws"),
        ("eks-on-fargate", "application-platform", "shared"),
        # RDS Custom hands part of the OS and engine back to the customer.
        ("rds-custom", "guest-os", "shared"),
        ("rds-custom", "application-platform", "shared"),
        # Detection services are abstracted: running them is AWS's, using them yours.
        ("cloudtrail", "guest-os", "aws"),
        ("cloudtrail", "identity-access", "customer"),
        ("guardduty", "customer-data", "customer"),
    ],
)
def test_who_patches_what_follows_aws_documentation(content, slug, area, owner):
    assert owners(slug)[area] == owner


def test_moving_ecs_tasks_to_fargate_hands_the_guest_os_to_aws(content):
    assert owners("ecs-on-ec2")["guest-os"] == "customer"
    assert owners("ecs-on-fargate")["guest-os"] == "aws"
    assert owners("eks-on-ec2")["guest-os"] == "customer"
    assert owners("eks-on-fargate")["guest-os"] == "aws"


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        (
            "sort-ecs-on-ec2",
            {
                "host-os": "aws",
                "guest-os": "customer",
                "application-platform": "shared",
                "network-firewall": "customer",
                "identity-access": "customer",
            },
        ),
        (
            "sort-ecs-on-fargate",
            {
                "virtualization": "aws",
                "guest-os": "aws",
                "application-platform": "shared",
                "network-firewall": "customer",
                "identity-access": "customer",
                "customer-data": "customer",
            },
        ),
        (
            "sort-eks-on-ec2",
            {
                "host-os": "aws",
                "guest-os": "customer",
                "application-platform": "shared",
                "backups": "customer",
            },
        ),
        (
            "sort-eks-on-fargate",
            {
                "guest-os": "aws",
                "application-platform": "shared",
                "network-firewall": "customer",
                "identity-access": "customer",
            },
        ),
        (
            "sort-rds-custom",
            {
                "hardware-and-network": "aws",
                "guest-os": "shared",
                "application-platform": "shared",
                "network-firewall": "customer",
            },
        ),
        (
            "sort-ecr",
            {
                "application-platform": "aws",
                "server-side-encryption": "shared",
                "identity-access": "customer",
                "customer-data": "customer",
                "region-choice": "customer",
            },
        ),
        (
            "sort-cloudtrail",
            {
                "guest-os": "aws",
                "server-side-encryption": "shared",
                "identity-access": "customer",
                "customer-data": "customer",
                "region-choice": "customer",
            },
        ),
    ],
)
def test_sort_questions_on_new_services_have_the_intended_key(content, slug, expected):
    questions_load()
    question = Question.objects.get(slug=slug)
    assert {item.area_slug: item.owner for item in sort_items(question)} == expected


def test_matrix_services_list_and_a_new_service_page_render(client, content):
    assert client.get(reverse("responsibility:matrix")).status_code == 200
    services = client.get(reverse("responsibility:services")).content.decode()
    assert "ECS on Fargate" in services
    assert "CloudTrail" in services
    service = Service.objects.get(slug="ecs-on-ec2")
    page = client.get(service.get_absolute_url()).content.decode()
    assert escape(service.placement) in page
    assert "Differs from category" in page
    assert service.source in page


@pytest.mark.parametrize(
    "slug", ["containers-serverless-patching", "detection-and-logging"]
)
def test_new_guides_render_with_their_source(client, content, slug):
    guide = Guide.objects.get(slug=slug)
    assert guide.order > 70
    page = client.get(guide.get_absolute_url()).content.decode()
    assert escape(guide.title) in page
    assert guide.source in page
