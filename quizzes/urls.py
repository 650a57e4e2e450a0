from django.urls import path

from . import images, views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="list"),
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz"),
    path("quizzes/<slug:slug>/start/", views.quiz_start, name="start"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path(
        "attempts/<int:pk>/questions/<int:position>/",
        views.attempt_question,
        name="question",
    ),
    path(
        "attempts/<int:pk>/questions/<int:position>/flag/",
        views.attempt_flag_view,
        name="flag",
    ),
    path("attempts/<int:pk>/summary/", views.attempt_summary, name="summary"),
    path("attempts/<int:pk>/submit/", views.attempt_submit_view, name="submit"),
    path("attempts/<int:pk>/review/", views.attempt_review, name="review"),
    path("progress/", views.progress, name="progress"),
    path("question-images/<str:sha256>", images.question_image, name="question_image"),
]
