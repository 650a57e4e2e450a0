from django.apps import AppConfig


class ResponsibilityConfig(AppConfig):
    name = "responsibility"
    verbose_name = "Shared responsibility model"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = (
        "ServiceCategory",
        "ResponsibilityArea",
        "Duty",
        "Service",
        "ServiceDuty",
        "Guide",
        "TopicStudy",
    )

    def ready(self) -> None:
        from curriculum.loading import content_loader_register

        content_loader_register(
            app=self.label, path="responsibility.services.content_load"
        )
