from django.contrib import admin

from .models import AgendaItem, GuestProfile, Membership, Workshop


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = ["order", "quiz", "exercise", "lab", "unlocked_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "joined_at"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "code", "state", "show_leaderboard"]
    list_filter = ["state", "date"]
    search_fields = ["title", "code"]
    filter_horizontal = ["instructors"]
    readonly_fields = ["created_at", "opened_at", "closed_at"]
    raw_id_fields = ["created_by"]
    inlines = [AgendaItemInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workshop", "joined_at"]
    list_filter = ["workshop__state"]
    search_fields = ["user__username", "user__first_name", "workshop__title"]
    raw_id_fields = ["user", "workshop"]
    list_select_related = ["user", "workshop"]


@admin.register(GuestProfile)
class GuestProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "created_at"]
    search_fields = ["display_name", "user__username"]
    raw_id_fields = ["user"]
