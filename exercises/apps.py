from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Policy exercises"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = ("Exercise", "Hint", "TestRequest")
