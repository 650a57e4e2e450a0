"""Benchmark of the comparison alone, over the shipped exercises and the
pathological submissions in tests/pathological.py.

Run: ``.venv/bin/python benchmarks/compare_search.py [--repeat N] [--engine DIR]``
(``make bench`` runs it). For every shipped exercise that takes a policy, its
reference and each typical wrong answer under ``samples`` in exercises.yaml are
compared with the reference, then each pathological submission is; in-process,
in a warm process (the shipped cases compared once first, as in a running server;
the first comparison of the fresh process is printed on its own). The first
round times each pathological submission the first time it is seen.
Prints the 50th and 95th percentile and the slowest time (targets: 95th at
most 50 ms, slowest at most 500 ms), how many comparisons were exhaustive
(decided: proved equivalent or shown a verified counterexample) and the verdict
on each pathological submission.

``--engine DIR`` imports the comparison from another checkout of this
repository (``iam/`` or, before the engine moved, ``quizzes/iam/``), so the
previous search can be timed on the same cases side by side:

    git worktree add /tmp/before f2e3c48
    .venv/bin/python benchmarks/compare_search.py --engine /tmp/before

Standard library plus PyYAML (to read exercises.yaml); no Django.
"""

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises" / "content" / "exercises.yaml"


def _engine(folder: Path):
    """The ``compare`` function of the checkout in ``folder``."""
    sys.path.insert(0, str(folder))
    for name in ("iam.compare", "quizzes.iam.compare"):
        try:
            return importlib.import_module(name).compare
        except ModuleNotFoundError:
            continue
    raise SystemExit(f"no IAM engine under {folder}")


def cases() -> list[tuple[str, str, str, str, str]]:
    """(exercise, label, kind, candidate, reference) for every comparison."""
    sys.path.insert(0, str(ROOT))
    from tests.pathological import submissions

    shipped = yaml.safe_load(EXERCISES.read_text())["exercises"]
    found = []
    by_slug = {}
    for exercise in shipped:
        if exercise.get("kind") == "predict" or not exercise.get("reference"):
            continue
        slug, kind = exercise["slug"], exercise.get("policy_kind", "identity")
        reference = exercise["reference"]
        by_slug[slug] = (kind, reference)
        found.append((slug, "reference", kind, reference, reference))
        for sample in exercise.get("samples") or []:
            found.append((slug, sample["label"], kind, sample["policy"], reference))
    for slug, label, text in submissions(lambda s: by_slug[s][1]):
        kind, reference = by_slug[slug]
        found.append((slug, f"pathological: {label}", kind, text, reference))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engine", type=Path, default=ROOT)
    args = parser.parse_args()
    all_cases = cases()  # before the engine's folder goes first on the path
    compare = _engine(args.engine.resolve())
    # A server process: the catalog and its indexes load on first use, once.
    started = time.perf_counter()
    compare(all_cases[0][3], all_cases[0][4], kind=all_cases[0][2])
    cold = time.perf_counter() - started
    for _, label, kind, candidate, reference in all_cases:
        if not label.startswith("pathological"):  # warm, as a running server is
            compare(candidate, reference, kind=kind)
    timings: list[float] = []
    slowest = (0.0, "")
    verdicts: dict[str, tuple[bool, bool, float]] = {}
    for _ in range(args.repeat):
        for slug, label, kind, candidate, reference in all_cases:
            started = time.perf_counter()
            result = compare(candidate, reference, kind=kind)
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            name = f"{slug} / {label}"
            slowest = max(slowest, (elapsed, name))
            equivalent = result.too_permissive is None and result.too_strict is None
            worst = max(elapsed, verdicts.get(name, (False, False, 0.0))[2])
            verdicts[name] = (result.exhaustive, equivalent, worst)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    decided = sum(1 for exhaustive, _, _ in verdicts.values() if exhaustive)
    print(f"Comparison alone ({args.engine}), {len(all_cases)} submissions, "
          f"{args.repeat} rounds:")  # fmt: skip
    print(f"  p50 {1000 * statistics.median(timings):7.1f} ms")
    print(f"  p95 {1000 * p95:7.1f} ms   (target 50 ms)")
    print(f"  max {1000 * slowest[0]:7.1f} ms   (target 500 ms; {slowest[1]})")
    print(f"  first comparison of a fresh process: {1000 * cold:.0f} ms "
          "(loads the catalog)")  # fmt: skip
    print(f"  decided exactly: {decided} of {len(verdicts)}")
    for name, (exhaustive, equivalent, worst) in verdicts.items():
        if "pathological" in name:
            verdict = (
                ("equivalent" if equivalent else "counterexample")
                if exhaustive
                else ("could not verify" if equivalent else "counterexample, partial")
            )
            print(f"  {name}: {verdict}, slowest {1000 * worst:.0f} ms")
    undecided = [n for n, (exhaustive, _, _) in verdicts.items() if not exhaustive]
    if undecided:
        print("  not decided: " + json.dumps(undecided))
    if args.engine.resolve() == ROOT:
        _time_command_line(all_cases)


def _time_command_line(all_cases: list[tuple[str, str, str, str, str]]) -> None:
    """``python -m iam compare`` on the red-team submission, start-up included."""
    slug, label, kind, candidate, reference = next(
        case for case in all_cases if "red team" in case[1]
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("candidate", candidate), ("reference", reference)):
            path = Path(folder) / f"{name}.json"
            path.write_text(text)
            paths.append(str(path))
        command = [sys.executable, "-m", "iam", "compare", "--kind", kind, *paths]
        # As installed: compiled bytecode is written once and reused (this
        # sandbox sets PYTHONDONTWRITEBYTECODE, which would time compilation).
        environment = {
            k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"
        }
        times = []
        for run in range(8):
            started = time.perf_counter()
            subprocess.run(
                command, cwd=ROOT, env=environment, check=True, capture_output=True
            )
            if run:  # the first run writes the bytecode
                times.append(time.perf_counter() - started)
    print(f"Command line: python -m iam compare ({label}), median of 7: "
          f"{1000 * statistics.median(times):.0f} ms, slowest "
          f"{1000 * max(times):.0f} ms (target 300 ms, start-up included)")  # fmt: skip


if __name__ == "__main__":
    main()
