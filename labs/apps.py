from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = "Practice accounts and labs"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = ("Lab",)

    def ready(self) -> None:
        from curriculum.loading import content_loader_register
        from curriculum.progress import practice_source_register

        # Labs refer to the topics the question bank defines.
        content_loader_register(
            app=self.label, path="labs.interchange.labs_load", after=("quizzes",)
        )
        # The progress page (quizzes) lists labs without importing this app.
        practice_source_register(
            app=self.label,
            title="Labs",
            attempts_label="Checks",
            path="labs.selectors.practice_records",
            item_label="Lab",
            kind_label="Difficulty",
        )
