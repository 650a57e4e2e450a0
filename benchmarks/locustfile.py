"""
Locust scenario: trainees working through a live workshop, with think time.

Each simulated trainee joins with the workshop code as a newcomer, opens the
agenda, browses the model, takes a short quiz question by question, submits it
and reads the review, and checks policies. Every HTTP request is timed on its
own: a POST that redirects and the page it redirects to are two entries. The runner
(benchmarks/loadtest.py) starts the server and reads the summary this file writes.
Environment: LOADTEST_CODE (join code), LOADTEST_OUT (summary JSON path),
LOADTEST_QUIZ, LOADTEST_EXERCISE, LOADTEST_POLICY (a policy to check).
"""

import json
import os
import re
import threading

from locust import FastHttpUser, between, events, task

CODE = os.environ.get("LOADTEST_CODE", "")
OUT = os.environ.get("LOADTEST_OUT", "")
QUIZ = os.environ.get("LOADTEST_QUIZ", "shared-responsibility-basics")
EXERCISE = os.environ.get("LOADTEST_EXERCISE", "read-one-bucket")
POLICY = os.environ.get("LOADTEST_POLICY", "{}")
# A JSON list of policies the attackers send in turn.
PATHOLOGICAL = json.loads(os.environ.get("LOADTEST_PATHOLOGICAL") or "[]")
ATTACKERS = int(os.environ.get("LOADTEST_ATTACKERS", "10"))
# Each trainee comes from an address of its own, as people do; the server reads
# it from X-Forwarded-For (DJANGO_WORKSHOP_CLIENT_IP_HEADER), as behind a proxy.
# The attackers share one address: one person with several guest accounts.
ATTACKER_ADDRESS = "192.0.2.66"

_lock = threading.Lock()
_times: list[float] = []
_counts = {
    "answers_acknowledged": 0,
    "quizzes_submitted": 0,
    "policies_checked": 0,
    "attacks_checked": 0,
    "attacks_refused": 0,
}
_addresses = iter(f"10.{n // 250}.{n % 250}.{n % 7 + 1}" for n in range(1, 10**6))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/questions/(\d+)/")


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs):
    if name != "pathological policy" and exception is None:
        with _lock:
            _times.append(response_time)


@events.quitting.add_listener
def _write_summary(environment, **kwargs):
    if not OUT:
        return
    times = sorted(_times)

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] if times else 0.0

    total = environment.stats.total
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.total_rps,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        **_counts,
        "errors": [str(e.error)[:200] for e in environment.stats.errors.values()][:10],
    }
    with open(OUT, "w") as handle:
        json.dump(summary, handle)


def _count(key: str) -> None:
    with _lock:
        _counts[key] += 1


def _answer_for(html: str) -> dict:
    """Any well-formed answer to the question on the page."""
    if 'name="choice"' in html:
        return {"choice": re.search(r'name="choice" value="(\d+)"', html).group(1)}
    if 'name="choices"' in html:
        return {"choices": re.search(r'name="choices" value="(\d+)"', html).group(1)}
    if 'name="value"' in html:
        return {"value": "true"}
    if 'name="effect"' in html:
        return {"effect": "Allow"}
    areas = re.findall(r'name="(area__[\w-]+)"', html)
    if areas:
        return dict.fromkeys(set(areas), "aws")
    return {"text": "Effect"}


def _join(user: FastHttpUser, display_name: str) -> None:
    """
    Join as a newcomer, then open the agenda the join redirects to. Like every
    other step, each HTTP request is timed on its own.
    """
    page = user.client.get(f"/join?code={CODE}", name="join page")
    data = {
        "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        "code": CODE,
        "display_name": display_name,
    }
    agenda = _post_acknowledged(user, "/join", data, "join")
    if agenda:
        user.client.get(agenda, name="agenda")


def _post_acknowledged(
    user: FastHttpUser, url: str, data: dict, name: str, key: str = ""
) -> str | None:
    """
    POST and expect the redirect that follows a save; anything else is a
    failure. Counts an acknowledgement under `key`; returns where it redirects.
    """
    with user.client.post(
        url, data, name=name, catch_response=True, allow_redirects=False
    ) as sent:
        if sent.status_code != 302:
            sent.failure(f"{name} not accepted: {sent.status_code}")
            return None
        sent.success()
    if key:
        _count(key)
    return sent.headers.get("Location")


class Trainee(FastHttpUser):
    """A newcomer who joins the workshop and works through it."""

    # A trainee reads a question or a scenario before acting: 5-15 s between steps.
    wait_time = between(5, 15)

    def __init__(self, environment) -> None:
        with _lock:
            self.default_headers = {"X-Forwarded-For": next(_addresses)}
        super().__init__(environment)

    def on_start(self) -> None:
        _join(self, "Load")
        self.attempt = None
        self.position = 1

    def _token(self, html: str) -> str:
        found = CSRF.search(html or "")
        return found.group(1) if found else ""

    @task(2)
    def browse(self) -> None:
        self.client.get("/matrix/", name="matrix")
        self.client.get("/guides/", name="guides")

    @task(5)
    def answer_a_question(self) -> None:
        if self.attempt is None:
            page = self.client.get(f"/quizzes/{QUIZ}/", name="quiz page")
            response = self.client.post(
                f"/quizzes/{QUIZ}/start/",
                {"csrfmiddlewaretoken": self._token(page.text)},
                name="quiz start",
                allow_redirects=False,
            )
            found = ATTEMPT.search(response.headers.get("Location") or "")
            if not found:
                return
            self.attempt, self.position = int(found.group(1)), 1
        url = f"/attempts/{self.attempt}/questions/{self.position}/"
        page = self.client.get(url, name="question")
        if "Check answer" not in (page.text or ""):
            # Answered already (or the attempt ended): move on.
            if "Next question" in (page.text or ""):
                self.position += 1
            else:
                self._submit(page.text)
            return
        data = {"csrfmiddlewaretoken": self._token(page.text), **_answer_for(page.text)}
        _post_acknowledged(self, url, data, "answer", "answers_acknowledged")
        self.position += 1
        feedback = self.client.get(url, name="feedback")
        if "Next question" not in (feedback.text or ""):
            self._submit(feedback.text)

    def _submit(self, html: str) -> None:
        _post_acknowledged(
            self,
            f"/attempts/{self.attempt}/submit/",
            {"csrfmiddlewaretoken": self._token(html)},
            "quiz submit",
            "quizzes_submitted",
        )
        self.client.get(f"/attempts/{self.attempt}/review/", name="quiz review")
        self.attempt = None

    @task(2)
    def check_a_policy(self) -> None:
        page = self.client.get(f"/exercises/{EXERCISE}/", name="exercise page")
        self.client.post(
            f"/exercises/{EXERCISE}/check/",
            {"csrfmiddlewaretoken": self._token(page.text), "policy": POLICY},
            headers={"HX-Request": "true"},
            name="policy check",
        )
        _count("policies_checked")


class Attacker(FastHttpUser):
    """Checks the costliest policies allowed, again and again, with no pause: the
    server refuses what goes past the limits with 429, which is not a failure."""

    fixed_count = ATTACKERS
    wait_time = between(0, 0.1)
    default_headers = {"X-Forwarded-For": ATTACKER_ADDRESS}

    def on_start(self) -> None:
        _join(self, "Attacker")
        self.sent = 0

    @task
    def pathological(self) -> None:
        # As from a browser: the exercise page, then the check, with no pause.
        page = self.client.get(f"/exercises/{EXERCISE}/", name="pathological policy")
        policy = PATHOLOGICAL[self.sent % len(PATHOLOGICAL)]
        self.sent += 1
        with self.client.post(
            f"/exercises/{EXERCISE}/check/",
            {"csrfmiddlewaretoken": CSRF.search(page.text).group(1),
             "policy": policy},
            headers={"HX-Request": "true"},
            name="pathological policy",
            catch_response=True,
        ) as sent:  # fmt: skip
            # A guest whose join failed is sent to the login page: not a check.
            if sent.status_code == 200 and 'name="password"' not in sent.text:
                sent.success()
                _count("attacks_checked")
            elif sent.status_code in (429, 503) and sent.headers.get("Retry-After"):
                sent.success()
                _count("attacks_refused")
            else:
                sent.failure(f"pathological policy: {sent.status_code}")


class Prober(FastHttpUser):
    """No think time: measures how many requests per second the server serves."""

    wait_time = between(0, 0)
    path = os.environ.get("LOADTEST_PROBE_PATH", "/healthz")

    @task
    def probe(self) -> None:
        self.client.get(self.path, name="probe")
