from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and policy exercises"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = ("Topic", "Question", "Choice", "Quiz", "QuizQuestion", "QuizDraw")
