from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum cache"

    def ready(self) -> None:
        from . import cache

        cache.watch_content_models()
