from django.apps import AppConfig


class LtiConfig(AppConfig):
    """LTI 1.3 glue: launches from an LMS into quizzes, exercises and labs."""

    name = "lti"
    verbose_name = "LTI (courses in an LMS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from exercises.signals import submission_created
        from labs.lab_services import lab_checked
        from quizzes.services import attempt_submitted

        from . import receivers

        attempt_submitted.connect(receivers.attempt_scored, dispatch_uid="lti-quiz")
        submission_created.connect(
            receivers.submission_scored, dispatch_uid="lti-exercise"
        )
        lab_checked.connect(receivers.lab_scored, dispatch_uid="lti-lab")
