from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks.json", views.jwks, name="jwks"),
    path("pick/", views.pick, name="pick"),
    path("course/", views.course, name="course"),
    path("roster/", views.roster, name="roster"),
    path("", views.config, name="config"),
    path("canvas.json", views.canvas_config, name="canvas"),
]
