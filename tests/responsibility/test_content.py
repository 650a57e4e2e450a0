"""The shipped curriculum is complete, consistent, and loads without harming edits."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from responsibility.content import CONTENT_DIR, ContentError, read_content
from responsibility.models import (
    Duty,
    Guide,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    ServiceDuty,
)
from responsibility.services import content_load

pytestmark = pytest.mark.django_db


def test_every_category_has_exactly_one_duty_per_area(content):
    areas = ResponsibilityArea.objects.count()
    assert areas == 13
    for category in ServiceCategory.objects.all():
        assert category.duties.count() == areas, category
        assert category.duties.values("area").distinct().count() == areas


def test_the_three_categories_are_loaded_in_order(content):
    assert list(ServiceCategory.objects.values_list("slug", flat=True)) == [
        "infrastructure",
        "container",
        "abstracted",
    ]


def test_container_category_explains_it_is_not_docker(content):
    note = ServiceCategory.objects.get(slug="container").note
    assert "Docker" in note


def test_at_least_twenty_services_each_with_a_category_and_docs(content):
    services = Service.objects.select_related("category")
    assert services.count() >= 20
    for service in services:
        assert service.category_id
        assert service.docs_url.startswith("https://docs.aws.amazon.com/")
        assert service.placement.strip(), f"{service} has no placement reasoning"


@pytest.mark.parametrize(
    ("slug", "category"),
    [
        ("ec2", "infrastructure"),
        ("ebs", "infrastructure"),
        ("vpc", "infrastructure"),
        ("rds", "container"),
        ("emr", "container"),
        ("elastic-beanstalk", "container"),
        ("s3", "abstracted"),
        ("dynamodb", "abstracted"),
        ("sqs", "abstracted"),
    ],
)
def test_whitepaper_services_sit_in_aws_categories(content, slug, category):
    assert Service.objects.get(slug=slug).category.slug == category


@pytest.mark.parametrize(
    ("category", "area", "owner"),
    [
        ("infrastructure", "guest-os", "customer"),
        ("container", "guest-os", "aws"),
        ("abstracted", "guest-os", "aws"),
        ("infrastructure", "physical-security", "aws"),
        ("container", "server-side-encryption", "customer"),
        ("abstracted", "client-side-encryption", "customer"),
        ("abstracted", "customer-data", "customer"),
        ("container", "network-firewall", "customer"),
        ("infrastructure", "region-choice", "customer"),
    ],
)
def test_duties_follow_the_seed(content, category, area, owner):
    duty = Duty.objects.get(category__slug=category, area__slug=area)
    assert duty.owner == owner


def test_abstracted_server_side_encryption_is_shared_and_says_why(content):
    """
    The seed, like AWS's classic model, puts server-side encryption of abstracted
    services on AWS's side. Issue 17: customers choose SSE-S3, SSE-KMS, DSSE-KMS
    or SSE-C and write key policies, so the matrix marks it shared and the duty
    names those choices and the classic model it departs from.
    """
    duty = Duty.objects.get(
        category__slug="abstracted", area__slug="server-side-encryption"
    )
    assert duty.owner == "shared"
    for choice in ("SSE-S3", "SSE-KMS", "DSSE-KMS", "SSE-C", "key policy"):
        assert choice in duty.explanation
    assert "classic" in duty.explanation


def test_overrides_refer_to_real_differences(content):
    """An override records where a service really differs from its category."""
    overrides = ServiceDuty.objects.select_related("service__category", "area")
    assert overrides.exists()
    for override in overrides:
        default = Duty.objects.get(
            category=override.service.category, area=override.area
        )
        assert override.owner != default.owner, override


def test_guides_cover_the_seed_iam_material(content):
    slugs = set(Guide.objects.values_list("slug", flat=True))
    assert {
        "root-user",
        "access-keys",
        "iam-users",
        "iam-groups",
        "iam-policies",
        "policy-evaluation",
    } <= slugs
    groups = Guide.objects.get(slug="iam-groups").body.lower()
    assert "cannot belong to" in groups or "can't belong to" in groups


def test_loader_is_idempotent(db):
    first = content_load()
    assert first["duties created"] == 39
    counts = {
        model: model.objects.count()
        for model in (ServiceCategory, ResponsibilityArea, Duty, Service, Guide)
    }
    assert content_load() == {}
    for model, count in counts.items():
        assert model.objects.count() == count


def test_loader_keeps_admin_edits_unless_asked_to_update(content):
    ServiceCategory.objects.filter(slug="container").update(summary="Edited in admin")
    Duty.objects.filter(category__slug="container", area__slug="backups").update(
        explanation="Our own words"
    )
    content_load()
    assert ServiceCategory.objects.get(slug="container").summary == "Edited in admin"
    assert (
        Duty.objects.get(category__slug="container", area__slug="backups").explanation
        == "Our own words"
    )

    counts = content_load(update=True)
    assert counts["service categories updated"] == 1
    assert counts["duties updated"] == 1
    assert ServiceCategory.objects.get(slug="container").summary != "Edited in admin"


def test_loader_restores_a_deleted_row(content):
    Service.objects.filter(slug="s3").delete()
    content_load()
    assert Service.objects.filter(slug="s3").exists()


def test_load_content_command_reports_what_it_did(db, capsys):
    call_command("load_content")
    assert "39 duties created" in capsys.readouterr().out
    call_command("load_content")
    assert "nothing to add" in capsys.readouterr().out


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_unknown_area_in_content_is_refused_and_nothing_is_written(db, tmp_path):
    directory = _copy_content(tmp_path)
    services = directory / "services.yaml"
    services.write_text(
        services.read_text()
        + "\n- slug: broken\n  name: Broken\n  short_name: Broken\n"
        "  category: infrastructure\n  description: x\n"
        "  docs_url: https://docs.aws.amazon.com/\n"
        "  overrides:\n    no-such-area: {owner: aws, explanation: x}\n"
    )
    with pytest.raises(ContentError, match="unknown area 'no-such-area'"):
        content_load(directory=directory)
    assert not Service.objects.exists()


def test_duplicate_slug_in_content_is_refused(tmp_path):
    directory = _copy_content(tmp_path)
    areas = directory / "areas.yaml"
    areas.write_text(
        areas.read_text()
        + "\n- slug: guest-os\n  name: Again\n  order: 999\n  description: x\n"
    )
    with pytest.raises(ContentError, match="duplicate slug 'guest-os'"):
        read_content(directory)


def test_malformed_yaml_fails_the_command_with_a_clear_error(db, tmp_path, monkeypatch):
    directory = _copy_content(tmp_path)
    (directory / "categories.yaml").write_text("- slug: [unclosed\n")
    monkeypatch.setattr(
        "responsibility.services.content_load",
        lambda update: content_load(directory=directory, update=update),
    )
    with pytest.raises(CommandError, match="categories.yaml"):
        call_command("load_content")
    assert not ServiceCategory.objects.exists()


SERVICE = (
    "- slug: {slug}\n  name: {slug}\n  short_name: {slug}\n"
    "  category: {category}\n  description: x\n"
    "  docs_url: https://docs.aws.amazon.com/\n"
)


def test_services_of_every_services_file_load_together(db, tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "services-b.yaml").write_text(
        SERVICE.format(slug="app-runner", category="abstracted")
    )
    (directory / "services-a.yaml").write_text(
        SERVICE.format(slug="fargate", category="container")
    )
    (directory / "other.yaml").write_text(SERVICE.format(slug="x", category="y"))
    content_load(directory=directory)
    assert Service.objects.get(slug="app-runner").category.slug == "abstracted"
    assert Service.objects.get(slug="fargate").category.slug == "container"
    assert Service.objects.filter(slug="ec2").exists()
    assert not Service.objects.filter(slug="x").exists()


def test_a_service_slug_in_two_files_is_refused_naming_both(db, tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "services-more.yaml").write_text(
        SERVICE.format(slug="fargate", category="container")
        + SERVICE.format(slug="ec2", category="infrastructure")
    )
    with pytest.raises(
        ContentError,
        match=r"^services-more.yaml: duplicate slug 'ec2', already in services.yaml$",
    ):
        content_load(directory=directory)
    assert not Service.objects.exists()


def test_a_bad_second_services_file_is_refused_naming_it_and_loads_nothing(
    db, tmp_path
):
    directory = _copy_content(tmp_path)
    (directory / "services-more.yaml").write_text(
        SERVICE.format(slug="fargate", category="no-such-category")
    )
    with pytest.raises(
        ContentError,
        match="^services-more.yaml: fargate: unknown category 'no-such-category'$",
    ):
        content_load(directory=directory)
    assert not Service.objects.exists()
    assert not ServiceCategory.objects.exists()


def test_a_services_file_that_is_not_yaml_is_refused_naming_it(tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "services-more.yaml").write_text("- slug: [unclosed\n")
    with pytest.raises(ContentError, match="^services-more.yaml: "):
        read_content(directory)


def test_a_service_and_a_guide_carry_their_source(db, tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "services-more.yaml").write_text(
        SERVICE.format(slug="fargate", category="container")
        + "  source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/\n"
        + SERVICE.format(slug="app-runner", category="abstracted")
    )
    guide = directory / "guides" / "roles.md"
    guide.write_text(
        "---\nslug: roles\ntitle: Roles\norder: 99\nsummary: S\n"
        "source: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html\n"
        "---\nBody.\n"
    )
    content_load(directory=directory)
    assert Service.objects.get(slug="fargate").source == (
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
    )
    assert Service.objects.get(slug="app-runner").source == ""
    assert Guide.objects.get(slug="roles").source == (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"
    )


def test_a_service_with_an_http_source_is_refused_naming_file_and_slug(tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "services-more.yaml").write_text(
        SERVICE.format(slug="fargate", category="container")
        + "  source: http://docs.aws.amazon.com/AmazonECS/\n"
    )
    with pytest.raises(
        ContentError, match="^services-more.yaml: fargate: source must be an https URL"
    ):
        read_content(directory)


def test_a_guide_with_an_http_source_is_refused_naming_file_and_slug(tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "guides" / "roles.md").write_text(
        "---\nslug: roles\ntitle: Roles\norder: 99\nsummary: S\n"
        "source: http://docs.aws.amazon.com/IAM/\n---\nBody.\n"
    )
    with pytest.raises(
        ContentError, match="^roles.md: roles: source must be an https URL"
    ):
        read_content(directory)
