"""
What exercises tell the apps built on them, so that exercises never import them.

A receiver may refuse by raising ExerciseError; the error reaches the caller of
the service unchanged, as `Signal.send` propagates it, and the transaction the
signal is sent in rolls back, so nothing is stored.
"""

from django.dispatch import Signal

# Sent with `submission` and `started_at` (when the check began, before grading)
# inside the transaction that created the submission.
submission_created = Signal()
