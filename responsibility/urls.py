from django.urls import path

from . import views

app_name = "responsibility"

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path(
        "matrix/<slug:category_slug>/<slug:area_slug>/",
        views.duty_detail,
        name="duty",
    ),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("services/", views.service_list, name="services"),
    path("services/<slug:slug>/", views.service_detail, name="service"),
    path("compare/", views.compare, name="compare"),
    path("guides/", views.guide_list, name="guides"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide"),
]
