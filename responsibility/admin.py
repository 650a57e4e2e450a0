from django.contrib import admin
from django.db.models import Count

from .models import (
    Duty,
    Guide,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    ServiceDuty,
    TopicStudy,
)


class TopicStudyInline(admin.StackedInline):
    """Where to study a topic, edited on the topic's own page."""

    model = TopicStudy
    can_delete = False
    autocomplete_fields = ["guide", "category", "area"]


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    autocomplete_fields = ["area"]
    ordering = ["area__order"]


class ServiceDutyInline(admin.TabularInline):
    model = ServiceDuty
    extra = 0
    autocomplete_fields = ["area"]
    verbose_name = "override of the category's duty"
    verbose_name_plural = "overrides of the category's duties"


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "service_count"]
    list_editable = ["order"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DutyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_service_count=Count("services"))

    @admin.display(description="services", ordering="_service_count")
    def service_count(self, obj) -> int:
        return obj._service_count


@admin.register(ResponsibilityArea)
class ResponsibilityAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["area", "category", "owner"]
    list_filter = ["category", "owner", "area"]
    list_select_related = ["area", "category"]
    search_fields = ["explanation", "area__name", "category__name"]
    autocomplete_fields = ["area", "category"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "category", "override_count"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["name", "short_name", "description"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [ServiceDutyInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_override_count=Count("overrides"))
        )

    @admin.display(description="overrides", ordering="_override_count")
    def override_count(self, obj) -> int:
        return obj._override_count


@admin.register(ServiceDuty)
class ServiceDutyAdmin(admin.ModelAdmin):
    list_display = ["service", "area", "owner"]
    list_filter = ["owner", "area", "service__category"]
    list_select_related = ["service", "area"]
    search_fields = ["explanation", "service__name", "service__short_name"]
    autocomplete_fields = ["service", "area"]


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
