from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Policy exercises"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = ("Exercise", "Hint", "TestRequest")

    def ready(self) -> None:
        from curriculum.loading import content_loader_register
        from curriculum.progress import practice_source_register

        # Exercises refer to the topics the question bank defines.
        content_loader_register(
            app=self.label,
            path="exercises.interchange.exercises_load",
            after=("quizzes",),
        )
        # The progress page (quizzes) lists exercises without importing this app.
        practice_source_register(
            app=self.label,
            title="Policy exercises",
            attempts_label="Checks",
            path="exercises.selectors.practice_records",
        )
