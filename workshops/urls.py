from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "workshops"

urlpatterns = [
    path("join", views.join, name="join"),
    path(
        "join/", RedirectView.as_view(pattern_name="workshops:join", query_string=True)
    ),
    path("join/resume/<str:token>/", views.resume, name="resume"),
    path("join/password/", views.guest_password, name="password"),
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/new/", views.workshop_create, name="create"),
    path("workshops/<int:pk>/", views.agenda, name="agenda"),
    path("workshops/<int:pk>/live/", views.agenda_live, name="agenda_live"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="edit"),
    path("workshops/<int:pk>/open/", views.workshop_open, name="open"),
    path("workshops/<int:pk>/unlock-next/", views.unlock_next, name="unlock_next"),
    path("workshops/<int:pk>/unlock-all/", views.unlock_all, name="unlock_all"),
    path("workshops/<int:pk>/close/", views.workshop_close, name="close"),
    path(
        "workshops/<int:pk>/close/confirm/",
        views.close_confirm,
        name="close_confirm",
    ),
    path("workshops/<int:pk>/reopen/", views.workshop_reopen, name="reopen"),
    path("workshops/<int:pk>/duplicate/", views.workshop_duplicate, name="duplicate"),
    path("workshops/<int:pk>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("workshops/<int:pk>/joining/", views.joining, name="joining"),
    path("workshops/<int:pk>/joins/allow/", views.joins_allow, name="joins_allow"),
    path(
        "workshops/<int:pk>/participants/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("workshops/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "workshops/<int:pk>/dashboard/live/",
        views.dashboard_live,
        name="dashboard_live",
    ),
    path("workshops/<int:pk>/projector/", views.projector, name="projector"),
    path(
        "workshops/<int:pk>/projector/live/",
        views.projector_live,
        name="projector_live",
    ),
    path("workshops/<int:pk>/summary/", views.summary, name="summary"),
    path("workshops/<int:pk>/results.csv", views.export_csv, name="export"),
]
