"""
Load test: 300 trainees working through a live workshop, against gunicorn.

Run: ``make loadtest`` (or ``.venv/bin/python benchmarks/loadtest.py [--database
sqlite|postgres|both] [--users 300] [--seconds 120]``). Loopback only, bounded in
time. For each database it:

1. builds a throwaway database (SQLite file in WAL mode, or a private PostgreSQL
   server started in a temporary folder on 127.0.0.1), migrates, loads the
   curriculum and opens a workshop;
2. serves the app with gunicorn in production mode;
3. runs Locust headless: trainees join as newcomers, browse, answer a short quiz
   question by question, submit it and start again, and check policies, with
   5-15 s of think time; prints failures and the 50th/95th/99th percentiles
   (targets: no failure, p95 < 100 ms, p99 < 250 ms) and checks that every
   acknowledged answer is stored, once, and every acknowledged submission too;
4. repeats a shorter run with ten attackers (guests of one address) checking
   pathological policies nonstop (a reference plus six Deny statements of seven
   condition keys, and the largest wildcard policy allowed), refused with 429
   past the per-user and per-address limits (or 503 while the host's one slot
   for large policies is taken), and prints the normal pages' 99th
   percentile (target < 200 ms) and how many attacks were checked and refused;
5. measures requests per second with no think time on a typical page and on the
   trivial /healthz view, and prints the ratio.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

sys.path.insert(0, str(ROOT))
from tests.pathological import largest_wildcard_policy, six_denies  # noqa: E402

VERBOSE = False  # --verbose: print Locust's table of every request name
PYTHON = sys.executable
BIN = Path(sys.executable).parent
SETUP = """
import json
from django.contrib.auth.models import User
from exercises.models import Exercise
from quizzes.models import Question, Quiz, QuizQuestion
from workshops.services import workshop_create, workshop_open, items_unlock_all
# A short quiz, so that trainees finish it (and submit it) within the run.
quiz = Quiz.objects.create(slug="load-test-quiz", title="Load test quiz")
for order, slug in enumerate(["security-of-vs-in-the-cloud", "aws-secures-in-the-cloud",
                              "ec2-category", "sort-container",
                              "region-for-data-sovereignty"]):
    QuizQuestion.objects.create(quiz=quiz, order=order,
                                question=Question.objects.get(slug=slug))
instructor = User.objects.create_user("loadtest-instructor", is_staff=True)
workshop = workshop_create(
    title="Load test",
    created_by=instructor,
    contents=[quiz, Exercise.objects.get(slug="read-one-bucket")],
)
workshop_open(workshop=workshop)
items_unlock_all(workshop=workshop)
print(json.dumps({"code": workshop.code}))
"""
COUNT = """
import json
from quizzes.models import Answer, Attempt
stored = Answer.objects.exclude(response={}).count()
duplicates = Answer.objects.values("attempt", "question").distinct().count()
submitted = Attempt.objects.filter(submitted_at__isnull=False).count()
print(json.dumps({"stored": stored, "rows": Answer.objects.count(),
                  "distinct": duplicates, "submitted": submitted}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@contextmanager
def _postgres(folder: Path):
    initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdb:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    pg_bin = initdb[-1].parent
    port = _free_port()
    data = folder / "pg"
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
    subprocess.run(
        [*as_postgres, str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres",
         "--auth=trust", "-E", "UTF8"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-w", "-l",
         str(folder / "pg.log"), "-o",
         f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200",
         "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/loadtest"
    finally:
        subprocess.run(
            [*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast",
             "stop"],
            check=False, capture_output=True,
        )  # fmt: skip


@contextmanager
def _database(kind: str, folder: Path):
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'loadtest.sqlite3'}"
        return
    with _postgres(folder) as url:
        env = {**os.environ, "DATABASE_URL": url.rsplit("/", 1)[0] + "/postgres"}
        subprocess.run(
            [PYTHON, "-c", "import psycopg,sys; c=psycopg.connect(sys.argv[1], "
             "autocommit=True); c.execute('CREATE DATABASE loadtest')",
             env["DATABASE_URL"]],
            check=True, env=env,
        )  # fmt: skip
        yield url


@contextmanager
def _server(env: dict, port: int, workers: int):
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _locust(env: dict, port: int, classes: list[str], users: int, seconds: int,
            **extra: str) -> dict:  # fmt: skip
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    finished = subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
         "--headless", "--only-summary", "--host", f"http://127.0.0.1:{port}",
         "-u", str(users), "-r", str(max(1, users // 60)), "-t", f"{seconds}s",
         "--stop-timeout", "10", "--loglevel", "ERROR", *classes],
        cwd=ROOT, env={**env, "LOADTEST_OUT": out, **extra},
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if VERBOSE:
        print(finished.stdout, finished.stderr, sep="\n")
    summary = json.loads(Path(out).read_text() or "{}")
    os.unlink(out)
    return summary


def run(kind: str, users: int, seconds: int, workers: int) -> bool:
    print(f"\n== {kind} ==", flush=True)
    with tempfile.TemporaryDirectory() as name, _database(kind, Path(name)) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "loadtest-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            # Every simulated person has an address of its own (locustfile.py).
            "DJANGO_WORKSHOP_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        }
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "load_content", "-v0")
        _manage(env, "collectstatic", "--noinput", "-v0")
        code = json.loads(_manage(env, "shell", "-c", SETUP).splitlines()[-1])["code"]
        import yaml

        exercises = yaml.safe_load(
            (ROOT / "exercises" / "content" / "exercises.yaml").read_text()
        )["exercises"]
        policy = next(e for e in exercises if e["slug"] == "read-one-bucket")
        env.update(
            LOADTEST_CODE=code,
            LOADTEST_QUIZ="load-test-quiz",
            LOADTEST_POLICY=policy["samples"][0]["policy"],
        )
        port = _free_port()
        with _server(env, port, workers):
            main = _locust(env, port, ["Trainee"], users, seconds)
            counts = json.loads(_manage(env, "shell", "-c", COUNT).splitlines()[-1])
            reference = json.loads(policy["reference"])
            reference["Statement"].extend(six_denies())
            attackers = 10
            attack = _locust(
                env, port, ["Trainee", "Attacker"], users + attackers,
                max(30, seconds // 3),
                LOADTEST_ATTACKERS=str(attackers),
                LOADTEST_PATHOLOGICAL=json.dumps(
                    [json.dumps(reference, indent=2), largest_wildcard_policy(9_800)]
                ),
            )  # fmt: skip
            page = _locust(env, port, ["Prober"], 8, 10, LOADTEST_PROBE_PATH="/matrix/")
            trivial = _locust(env, port, ["Prober"], 8, 10)
    ok = (
        main.get("failures") == 0
        and main.get("p95_ms", 1e9) < 100
        and main.get("p99_ms", 1e9) < 250
        and attack.get("p99_ms", 1e9) < 200
        and attack.get("failures") == 0
        and counts["stored"] >= main.get("answers_acknowledged", 0)
        and counts["rows"] == counts["distinct"]
        and counts["submitted"] >= main.get("quizzes_submitted", 0)
    )
    print(f"{users} trainees, {seconds} s, {workers} gunicorn workers")
    print(f"  requests {main.get('requests')}, failures {main.get('failures')}, "
          f"{main.get('rps', 0):.1f} req/s")  # fmt: skip
    print(f"  p50 {main.get('p50_ms', 0):.0f} ms, p95 {main.get('p95_ms', 0):.0f} ms "
          f"(target 100), p99 {main.get('p99_ms', 0):.0f} ms (target 250)")  # fmt: skip
    print(f"  answers acknowledged {main.get('answers_acknowledged')}, stored "
          f"{counts['stored']} (rows {counts['rows']}, one per question: "
          f"{counts['rows'] == counts['distinct']}); quizzes submitted "
          f"{main.get('quizzes_submitted')}, stored {counts['submitted']}; "
          f"policies checked "
          f"{main.get('policies_checked')}")  # fmt: skip
    if main.get("errors"):
        print(f"  errors: {main['errors']}")
    print(f"  with 10 attackers: normal pages p99 {attack.get('p99_ms', 0):.0f} ms "
          f"(target 200), failures {attack.get('failures')}; attacks checked "
          f"{attack.get('attacks_checked')}, refused (429 or 503) "
          f"{attack.get('attacks_refused')}")  # fmt: skip
    ratio = page.get("rps", 0) / trivial["rps"] if trivial.get("rps") else 0
    print(f"  throughput, no think time: matrix page {page.get('rps', 0):.0f} req/s, "
          f"/healthz {trivial.get('rps', 0):.0f} req/s, ratio {ratio:.2f}")  # fmt: skip
    print(f"  {'PASS' if ok else 'MISSED A TARGET'}", flush=True)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"),
                        default="both")  # fmt: skip
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--verbose", action="store_true",
                        help="print Locust's figures per kind of request")  # fmt: skip
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(kind, args.users, args.seconds, args.workers) for kind in kinds]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
