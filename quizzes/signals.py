"""
What quizzes tell the apps built on them, so that quizzes never import those apps.

A receiver may refuse by raising QuizError (AttemptClosed for answers); the error
reaches the caller of the service unchanged, as `Signal.send` propagates it.
"""

from django.dispatch import Signal

# Sent with `attempt`, `quiz`, `user` and `resumed` once attempt_start has an
# attempt to return: a new one (inside the transaction that created it) or the
# open one it resumes.
attempt_started = Signal()

# Sent with `attempt` by answer_save, inside its transaction and with the
# attempt's row locked, before anything is written.
answer_saving = Signal()
