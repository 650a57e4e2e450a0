from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"
    # Curriculum: a change replaces the curriculum's version (curriculum/cache.py).
    content_models = ("Question", "Choice", "Quiz", "QuizQuestion", "QuizDraw")

    def ready(self) -> None:
        from curriculum.loading import content_loader_register

        # Topics and sort questions refer to the responsibility model.
        content_loader_register(
            app=self.label,
            path="quizzes.interchange.questions_load",
            after=("responsibility",),
        )
