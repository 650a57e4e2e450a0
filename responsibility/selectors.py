"""Queries over the responsibility model that several views share."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from .models import (
    Duty,
    Guide,
    Owner,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    ServiceDuty,
    TopicStudy,
)

# For querysets of topics that will be passed to study_links(): one join.
STUDY_RELATED = ["study__guide", "study__category", "study__area"]


def study_links(topic) -> list[tuple[str, str]]:
    """
    Pages to review a topic: its guide, category or matrix row, as (label, url).
    Read from topic.study, so select STUDY_RELATED with the topics.
    """
    try:
        study = topic.study
    except TopicStudy.DoesNotExist:
        return []
    links = []
    if study.guide_id:
        links.append((f"Guide: {study.guide.title}", study.guide.get_absolute_url()))
    if study.category_id:
        links.append((study.category.name, study.category.get_absolute_url()))
    if study.area_id:
        url = reverse("responsibility:matrix") + f"#area-{study.area.slug}"
        links.append((f"Matrix: {study.area.name}", url))
    return links


def study_guide(topic) -> Guide | None:
    """
    The guide a topic is studied in, or None. Read from topic.study, so select
    STUDY_RELATED with the topics.
    """
    try:
        return topic.study.guide
    except TopicStudy.DoesNotExist:
        return None


@dataclass(frozen=True)
class Matrix:
    """Areas (rows) by categories (columns), each cell the category's duty."""

    areas: list[ResponsibilityArea]
    categories: list[ServiceCategory]
    cells: dict[tuple[int, int], Duty]

    def rows(self) -> list[tuple[ResponsibilityArea, list[Duty | None]]]:
        """Each area with its duty per category; each duty carries its `url`."""
        # One reverse() for the whole table: the matrix is the busiest page, and
        # a reverse() per cell was a third of its time.
        pattern = reverse("responsibility:duty", args=["CATEGORY", "AREA"])
        rows = []
        for area in self.areas:
            duties = []
            for category in self.categories:
                duty = self.cells.get((area.pk, category.pk))
                if duty is not None:
                    duty.url = pattern.replace("CATEGORY", category.slug).replace(
                        "AREA", area.slug
                    )
                duties.append(duty)
            rows.append((area, duties))
        return rows


def matrix() -> Matrix:
    """The whole matrix in three queries, whatever its size."""
    areas = list(ResponsibilityArea.objects.all())
    categories = list(ServiceCategory.objects.all())
    duties = Duty.objects.select_related("category", "area")
    cells = {(d.area_id, d.category_id): d for d in duties}
    return Matrix(areas=areas, categories=categories, cells=cells)


@dataclass(frozen=True)
class DutyRow:
    """One area of one service: who owns it, why, and whether the service differs."""

    area: ResponsibilityArea
    owner: str
    explanation: str
    category_owner: str | None
    overridden: bool

    @property
    def category_owner_label(self) -> str:
        return Owner(self.category_owner).label if self.category_owner else ""


def _duty_rows(
    services: list[Service],
) -> tuple[list[ResponsibilityArea], dict[int, dict[int, DutyRow]]]:
    """Areas, and each service's row per area, in three queries for any number."""
    areas = list(ResponsibilityArea.objects.all())
    defaults = {
        (d.category_id, d.area_id): d
        for d in Duty.objects.filter(category__in={s.category_id for s in services})
    }
    overrides = {
        (o.service_id, o.area_id): o
        for o in ServiceDuty.objects.filter(service__in=services)
    }
    rows: dict[int, dict[int, DutyRow]] = {}
    for service in services:
        rows[service.pk] = {}
        for area in areas:
            default = defaults.get((service.category_id, area.pk))
            override = overrides.get((service.pk, area.pk))
            chosen = override or default
            if chosen is not None:
                rows[service.pk][area.pk] = DutyRow(
                    area=area,
                    owner=chosen.owner,
                    explanation=chosen.explanation,
                    category_owner=default.owner if default else None,
                    overridden=override is not None,
                )
    return areas, rows


def service_duties(service: Service) -> list[DutyRow]:
    """Every area for `service`: its category's duty unless the service overrides it."""
    _, rows = _duty_rows([service])
    return list(rows[service.pk].values())


@dataclass(frozen=True)
class ServiceComparisonRow:
    """One area side by side for two services."""

    area: ResponsibilityArea
    first: DutyRow | None
    second: DutyRow | None

    @property
    def changed(self) -> bool:
        return bool(
            self.first and self.second and self.first.owner != self.second.owner
        )


@dataclass(frozen=True)
class ServiceComparison:
    """Two services side by side, with the duties that change hands between them."""

    first: Service
    second: Service
    rows: list[ServiceComparisonRow]

    def moved(self, to: str) -> list[ServiceComparisonRow]:
        """Rows whose owner changes to `to` when moving from first to second."""
        return [r for r in self.rows if r.changed and r.second.owner == to]

    @property
    def to_aws(self) -> list[ServiceComparisonRow]:
        return self.moved(Owner.AWS)

    @property
    def to_customer(self) -> list[ServiceComparisonRow]:
        return self.moved(Owner.CUSTOMER)

    @property
    def to_shared(self) -> list[ServiceComparisonRow]:
        return self.moved(Owner.SHARED)


def compare_services(first: Service, second: Service) -> ServiceComparison:
    """Compare two services area by area."""
    areas, rows = _duty_rows([first, second])
    return ServiceComparison(
        first=first,
        second=second,
        rows=[
            ServiceComparisonRow(
                area=area,
                first=rows[first.pk].get(area.pk),
                second=rows[second.pk].get(area.pk),
            )
            for area in areas
        ],
    )


def search_services(*, query: str = "", category: str = "") -> QuerySet[Service]:
    """Services matching a free-text query and an optional category slug."""
    services = Service.objects.select_related("category")
    if category:
        services = services.filter(category__slug=category)
    if query:
        services = services.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(description__icontains=query)
        )
    return services


def categories_with_counts() -> QuerySet[ServiceCategory]:
    """Categories annotated with how many services each holds."""
    # Meta.ordering does not apply to a GROUP BY query: order explicitly.
    return ServiceCategory.objects.annotate(service_count=Count("services")).order_by(
        "order", "name"
    )
