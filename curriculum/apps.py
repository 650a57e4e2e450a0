from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"
    # Each content app lists its own curriculum models the same way.
    content_models = ("Topic",)

    def ready(self) -> None:
        from . import cache

        cache.watch_content_models()
