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

# Sent with `rows`, a trainee's submissions of one exercise, before the oldest
# beyond what is kept are deleted. Each receiver returns a queryset of the pks
# of `rows` that must stay (say, what its results are computed from).
submissions_pruning = Signal()
