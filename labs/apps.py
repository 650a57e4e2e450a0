from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = "Practice accounts and labs"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = ("Lab",)
