from django.urls import path

from . import console_urls, views

app_name = "labs"

# The console's pages first: their prefixes (account/, accounts/) are not lab slugs.
urlpatterns = [
    *console_urls.urlpatterns,
    path("", views.lab_list, name="index"),
]
