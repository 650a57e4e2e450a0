"""
Many trainees answering at once, against a real database file.

Run by test_concurrency.py in a subprocess, so that the database is the one
production uses (a SQLite file in WAL mode with IMMEDIATE transactions, or the
PostgreSQL server DATABASE_URL names) rather than the test run's in-memory one,
whose shared cache fails concurrent writers instead of queueing them.
Prints one JSON object with what was stored.
"""

import json
import os
import sys
import threading

import django

TRAINEES = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from quizzes.models import (
        Answer,
        Attempt,
        AttemptStatus,
        Choice,
        Question,
        Quiz,
        QuizQuestion,
    )
    from workshops.models import Membership
    from workshops.services import membership_join, workshop_create, workshop_open

    call_command("migrate", verbosity=0)
    quiz = Quiz.objects.create(slug="race", title="Race", pass_mark=50)
    single = Question.objects.create(
        slug="race-single", type="single", prompt="Pick", explanation="."
    )
    right = Choice.objects.create(question=single, text="Right", is_correct=True)
    Choice.objects.create(question=single, text="Wrong")
    true_false = Question.objects.create(
        slug="race-tf",
        type="true_false",
        prompt="True?",
        explanation=".",
        true_false_answer=True,
    )
    QuizQuestion.objects.create(quiz=quiz, question=single, order=0)
    QuizQuestion.objects.create(quiz=quiz, question=true_false, order=1)
    instructor = User.objects.create(username="instructor", password="!")
    workshop = workshop_create(title="Race", created_by=instructor, contents=[quiz])
    workshop_open(workshop=workshop)
    users = [
        User.objects.create(username=f"trainee{n}", password="!")
        for n in range(TRAINEES)
    ]
    connection.close()

    from quizzes.services import QuizError, answer_save, attempt_start, attempt_submit

    barrier = threading.Barrier(TRAINEES * 2)
    errors: list[str] = []
    refusals: list[str] = []

    def trainee(user) -> None:
        try:
            barrier.wait()
            membership_join(workshop=workshop, user=user)
            attempt = attempt_start(quiz=quiz, user=user)
            answer_save(attempt=attempt, question=single, response={"choice": right.pk})
            answer_save(attempt=attempt, question=true_false, response={"value": True})
            attempt_submit(attempt=attempt)
        except Exception as error:  # noqa: BLE001 - reported in the output
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def second_tab(user) -> None:
        # The same trainee in a second tab: joins and starts again at once.
        try:
            barrier.wait()
            membership_join(workshop=workshop, user=user)
            attempt_start(quiz=quiz, user=user)
        except QuizError as error:
            refusals.append(str(error))  # a clear refusal, not a lost write
        except Exception as error:  # noqa: BLE001
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=trainee, args=(u,)) for u in users]
    threads += [threading.Thread(target=second_tab, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    print(
        json.dumps(
            {
                "errors": errors,
                "refusals": refusals,
                "memberships": Membership.objects.count(),
                "attempts": Attempt.objects.count(),
                "submitted": Attempt.objects.filter(
                    status=AttemptStatus.SUBMITTED,
                    workshop_link__workshop=workshop,
                    score=1.0,
                ).count(),
                "answers": Answer.objects.count(),
                "distinct_answers": Answer.objects.values("attempt", "question")
                .distinct()
                .count(),
                "vendor": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
