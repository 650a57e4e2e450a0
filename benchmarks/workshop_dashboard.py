"""Benchmark of the live workshop dashboard, as the instructor's browser polls it.

Run: ``.venv/bin/python benchmarks/workshop_dashboard.py [--trainees 300]
[--repeat 30]`` (``make bench`` runs it). Loads the shipped curriculum into a
throwaway SQLite database and builds a workshop of 5 quizzes and 5 policy
exercises with 300 trainees: every trainee has a graded attempt at each quiz
(some still open, some wrong answers) and one to three graded submissions per
exercise (the reference or a typical wrong answer from exercises.yaml, graded by
the engine once and reused). Then renders the dashboard page and its htmx
partial through Django's test client and prints the number of queries and the
50th and 95th percentile times (target: 95th percentile under 300 ms).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)


def _build(trainees: int, rng: random.Random):
    import yaml
    from django.contrib.auth.models import User
    from django.utils import timezone

    from exercises.grading import grade_policy, grade_to_json
    from exercises.interchange import EXERCISES_FILE
    from exercises.models import Exercise, ExerciseKind, Submission
    from quizzes.grading import grade, weighted_score
    from quizzes.models import Answer, Attempt, AttemptStatus, Question, Quiz
    from quizzes.selectors import quiz_plan
    from quizzes.services import _choice_orders, _draw_questions
    from workshops.models import (
        GuestProfile,
        Membership,
        WorkshopAttempt,
        WorkshopSubmission,
    )
    from workshops.services import items_unlock_all, workshop_create, workshop_open

    instructor = User.objects.create_superuser("instructor", password=None)
    quizzes = list(Quiz.objects.all()[:5])
    exercises = list(
        Exercise.objects.exclude(kind=ExerciseKind.PREDICT)[: 10 - len(quizzes)]
    )
    workshop = workshop_create(
        title="Benchmark", created_by=instructor, contents=quizzes + exercises
    )
    workshop_open(workshop=workshop)
    items_unlock_all(workshop=workshop)
    workshop.show_leaderboard = True
    workshop.save()

    users = User.objects.bulk_create(
        User(username=f"guest-{n}", first_name=f"Trainee {n}", password="!x")  # noqa: S106
        for n in range(trainees)
    )
    GuestProfile.objects.bulk_create(
        GuestProfile(user=u, display_name=u.first_name) for u in users
    )
    Membership.objects.bulk_create(Membership(workshop=workshop, user=u) for u in users)

    # Quizzes: a plausible answer to every question, right about two times in three.
    now = timezone.now()
    attempts, answers = [], []
    for quiz in quizzes:
        plan = quiz_plan(quiz)
        question_ids = _draw_questions(plan, rng)
        orders = _choice_orders(question_ids, plan, rng)
        for user in users:
            attempts.append(
                Attempt(
                    quiz=quiz,
                    user=user,
                    number=1,
                    question_ids=question_ids,
                    choice_order=orders,
                    status=AttemptStatus.SUBMITTED
                    if rng.random() < 0.8
                    else AttemptStatus.IN_PROGRESS,
                )
            )
    Attempt.objects.bulk_create(attempts)
    WorkshopAttempt.objects.bulk_create(
        WorkshopAttempt(workshop=workshop, attempt=attempt) for attempt in attempts
    )
    questions = Question.objects.prefetch_related("choices").in_bulk(
        {qid for a in attempts for qid in a.question_ids}
    )
    for attempt in attempts:
        marked = []
        for qid in attempt.question_ids:
            question = questions[qid]
            response = _response(question, rng)
            score = grade(question, response).score if response else 0.0
            marked.append((float(question.mark), score))
            answers.append(
                Answer(
                    attempt=attempt,
                    question=question,
                    response=response,
                    score=score,
                    is_correct=score == 1.0,
                    locked=True,
                )
            )
        if attempt.status == AttemptStatus.SUBMITTED:
            attempt.score = weighted_score(marked)
            attempt.passed = attempt.percent >= attempt.quiz.pass_mark
            attempt.submitted_at = now
    Attempt.objects.bulk_update(attempts, ["score", "passed", "submitted_at"])
    Answer.objects.bulk_create(answers, batch_size=2000)

    # Exercises: graded once per distinct text, the results reused.
    shipped = yaml.safe_load(EXERCISES_FILE.read_text())["exercises"]
    samples = {e["slug"]: e.get("samples") or [] for e in shipped}
    submissions = []
    for exercise in exercises:
        texts = [s["policy"] for s in samples.get(exercise.slug, [])]
        texts.append(exercise.reference)
        graded = [(text, grade_policy(exercise, text)) for text in texts]
        for user in users:
            for text, result in rng.sample(graded, min(len(graded), rng.randint(1, 3))):
                submissions.append(
                    Submission(
                        exercise=exercise,
                        user=user,
                        text=text,
                        result=grade_to_json(result),
                        score=result.score,
                        correct=result.correct,
                    )
                )
    Submission.objects.bulk_create(submissions, batch_size=1000)
    WorkshopSubmission.objects.bulk_create(
        (WorkshopSubmission(workshop=workshop, submission=s) for s in submissions),
        batch_size=1000,
    )
    return instructor, workshop, len(answers), len(submissions)


def _response(question, rng: random.Random) -> dict:
    choices = list(question.choices.all())
    right = rng.random() < 0.66
    match question.type:
        case "single":
            pool = [c for c in choices if c.is_correct == right] or choices
            return {"choice": rng.choice(pool).pk}
        case "multiple":
            picked = [c.pk for c in choices if c.is_correct == right] or [choices[0].pk]
            return {"choices": sorted(picked)}
        case "true_false":
            answer = question.true_false_answer
            return {"value": answer if right else not answer}
        case "policy":
            return {"effect": rng.choice(["Allow", "ExplicitDeny", "ImplicitDeny"])}
        case "short":
            accepted = question.accepted_answer_list
            return {"text": accepted[0] if right and accepted else "no idea"}
        case "numerical":
            answer = question.numerical_answer
            wrong = answer + question.numerical_tolerance + 1
            return {"number": str(answer if right else wrong)}
    return {}  # a responsibility sort is left unanswered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print a profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup_django(Path(folder) / "bench.sqlite3")
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        started = time.perf_counter()
        instructor, workshop, answers, submissions = _build(
            args.trainees, random.Random(6)
        )
        print(
            f"Built a workshop of {args.trainees} trainees, "
            f"{workshop.items.count()} agenda items, {answers} answers and "
            f"{submissions} submissions in {time.perf_counter() - started:.1f} s."
        )
        from workshops.dashboard import workshop_dashboard

        timings = []
        for _ in range(args.repeat):
            begin = time.perf_counter()
            workshop_dashboard(workshop)
            timings.append(time.perf_counter() - begin)
        if args.profile:
            import cProfile

            cProfile.runctx(
                "workshop_dashboard(workshop)", globals(), locals(), sort="tottime"
            )
            slow = []

            def timed(execute, sql, *rest):
                begin = time.perf_counter()
                try:
                    return execute(sql, *rest)
                finally:
                    slow.append((time.perf_counter() - begin, sql[:150]))

            with connection.execute_wrapper(timed):
                workshop_dashboard(workshop)
            for seconds, sql in sorted(slow, reverse=True):
                print(f"{1000 * seconds:7.1f} ms  {sql}")
        print(
            f"dashboard.workshop_dashboard alone: p50 "
            f"{1000 * statistics.median(sorted(timings)):.1f} ms"
        )
        client = Client()
        client.force_login(instructor)
        for name in ("dashboard", "dashboard_live"):
            url = reverse(f"workshops:{name}", args=[workshop.pk])
            client.get(url)  # warm up templates and caches
            executed: list[str] = []

            def count(execute, sql, *rest, executed=executed):
                executed.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            if args.profile:
                import cProfile

                cProfile.runctx(
                    "client.get(url)", globals(), locals(), sort="cumulative"
                )
            timings = []
            for _ in range(args.repeat):
                begin = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - begin)
            timings.sort()
            p95 = timings[int(0.95 * (len(timings) - 1))]
            size = len(response.content) // 1024
            print(f"{name}: {len(executed)} queries, {size} KiB, {args.repeat} renders")
            print(f"  p50 {1000 * statistics.median(timings):7.1f} ms")
            print(f"  p95 {1000 * p95:7.1f} ms   (target 300 ms)")


if __name__ == "__main__":
    main()
