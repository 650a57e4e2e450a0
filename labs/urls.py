from django.urls import path

from . import console_urls, views

app_name = "labs"

# The console's pages first: their prefixes (account/, accounts/) are not lab slugs.
urlpatterns = [
    *console_urls.urlpatterns,
    path("", views.lab_list, name="index"),
    path("<slug:slug>/", views.lab_detail, name="lab"),
    path("<slug:slug>/open/", views.lab_open, name="open"),
    path("<slug:slug>/check/", views.lab_check_view, name="check"),
    path("<slug:slug>/reset/", views.lab_reset, name="reset"),
]
