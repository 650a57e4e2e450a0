from django.contrib import admin
from django.urls import include, path

from config.health import health
from responsibility import views as responsibility_views

admin.site.site_header = "Shared Responsibility Trainer administration"
admin.site.site_title = "Shared Responsibility Trainer"
admin.site.index_title = "Content and people"

urlpatterns = [
    path("", responsibility_views.home, name="home"),
    path("healthz", health, name="health"),
    path("", include("responsibility.urls")),
    path("", include("quizzes.urls")),
    path("exercises/", include("exercises.urls")),
    path("", include("workshops.urls")),
    path("labs/", include("labs.urls")),
    path("accounts/", include("accounts.urls")),
    path("lti/", include("lti.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
