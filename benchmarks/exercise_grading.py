"""Benchmark of grading policy submissions, as a trainee's "Check" runs it.

Run: ``.venv/bin/python benchmarks/exercise_grading.py [--repeat N]`` (``make
bench`` runs it). Loads the shipped curriculum into a throwaway SQLite database,
then grades, for every shipped exercise that takes a policy, its reference and
each typical wrong answer listed under ``samples`` in exercises.yaml: parse, lint,
every test request and both comparison directions. Prints the 50th, 95th and
maximum times (target: 95th percentile at most 300 ms), then grades a
pathological submission (the maximum size, full of wildcards) and prints its time
and whether the comparison had to stop early (target: at most 2 s).
"""

import argparse
import os
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

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup_django(Path(folder) / "bench.sqlite3")
        import yaml

        from exercises.grading import grade_policy
        from exercises.interchange import EXERCISES_FILE
        from exercises.models import MAX_POLICY_CHARS, Exercise, ExerciseKind
        from tests.pathological import largest_wildcard_policy

        shipped = yaml.safe_load(EXERCISES_FILE.read_text())["exercises"]
        samples = {e["slug"]: e.get("samples") or [] for e in shipped}
        exercises = Exercise.objects.exclude(
            kind=ExerciseKind.PREDICT
        ).prefetch_related("tests")
        cases = []
        for exercise in exercises:
            cases.append((exercise, "reference", exercise.reference))
            for sample in samples.get(exercise.slug, []):
                cases.append((exercise, sample["label"], sample["policy"]))
        timings = []
        slowest = (0.0, "")
        for _ in range(args.repeat):
            for exercise, label, text in cases:
                started = time.perf_counter()
                grade_policy(exercise, text)
                elapsed = time.perf_counter() - started
                timings.append(elapsed)
                slowest = max(slowest, (elapsed, f"{exercise.slug} / {label}"))
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"Grading {len(cases)} submissions over {exercises.count()} exercises, "
              f"{args.repeat} rounds:")  # fmt: skip
        print(f"  p50 {1000 * statistics.median(timings):7.1f} ms")
        print(f"  p95 {1000 * p95:7.1f} ms   (target 300 ms)")
        print(f"  max {1000 * slowest[0]:7.1f} ms   ({slowest[1]})")

        text = largest_wildcard_policy(MAX_POLICY_CHARS)
        exercise = exercises.first()
        started = time.perf_counter()
        result = grade_policy(exercise, text)
        elapsed = time.perf_counter() - started
        stopped = "stopped early" if not result.exhaustive else "complete"
        print(f"Pathological submission ({len(text):,} characters, "
              f"{text.count('*')} wildcards): {1000 * elapsed:.0f} ms, comparison "
              f"{stopped} (target 2,000 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
