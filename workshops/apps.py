from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self) -> None:
        # Workshops listen to quizzes and exercises; they never call workshops.
        from exercises.signals import submission_created, submissions_pruning
        from quizzes.signals import answer_saving, attempt_started

        from . import receivers

        attempt_started.connect(receivers.attempt_link, dispatch_uid="workshops")
        answer_saving.connect(
            receivers.answer_refuse_if_closed, dispatch_uid="workshops"
        )
        submission_created.connect(receivers.submission_link, dispatch_uid="workshops")
        submissions_pruning.connect(
            receivers.submissions_keep, dispatch_uid="workshops"
        )
