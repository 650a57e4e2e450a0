"""The practice account's console pages (labs/console/views.py)."""

from django.urls import path

from .console import views

identities = [("users", "user"), ("groups", "group"), ("roles", "role")]

urlpatterns = [
    path("account/", views.sandbox, name="sandbox"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("accounts/<int:pk>/reset/", views.reset, name="sandbox_reset"),
    path("accounts/<int:pk>/findings/", views.findings, name="findings"),
    path("accounts/<int:pk>/export/", views.account_export, name="account_export"),
    path("accounts/<int:pk>/import/", views.account_import, name="account_import"),
    path("accounts/<int:pk>/users/<str:name>/", views.user, name="user"),
    path("accounts/<int:pk>/groups/<str:name>/", views.group, name="group"),
    path("accounts/<int:pk>/new-role/", views.role_new, name="role_new"),
    path("accounts/<int:pk>/roles/<str:name>/", views.role, name="role"),
    path(
        "accounts/<int:pk>/roles/<str:name>/trust/",
        views.role_trust,
        name="role_trust",
    ),
    *(
        route
        for plural, kind in identities
        for route in (
            path(
                f"accounts/<int:pk>/{plural}/<str:name>/attach/",
                views.attach,
                {"kind": kind},
                name=f"{kind}_attach",
            ),
            path(
                f"accounts/<int:pk>/{plural}/<str:name>/new-inline-policy/",
                views.inline,
                {"kind": kind},
                name=f"{kind}_inline_new",
            ),
            path(
                f"accounts/<int:pk>/{plural}/<str:name>/inline-policies/<str:policy_name>/",
                views.inline,
                {"kind": kind},
                name=f"{kind}_inline",
            ),
        )
    ),
    path("accounts/<int:pk>/new-policy/", views.policy_new, name="policy_new"),
    path(
        "accounts/<int:pk>/policies/<path:ref>/versions/new/",
        views.policy_version_new,
        name="policy_version_new",
    ),
    path("accounts/<int:pk>/policies/<path:ref>/", views.policy, name="policy"),
    path(
        "accounts/<int:pk>/resources/<str:kind>/<str:name>/",
        views.resource,
        name="resource",
    ),
]
