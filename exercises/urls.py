from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("<slug:slug>/", views.exercise_detail, name="exercise"),
    path("<slug:slug>/check/", views.exercise_check, name="check"),
    path("<slug:slug>/predict/", views.exercise_predict, name="predict"),
    path("<slug:slug>/simulate/", views.exercise_simulate, name="simulate"),
    path("<slug:slug>/hint/", views.exercise_hint, name="hint"),
]
