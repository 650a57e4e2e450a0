"""Slow clients against the production stack: nginx in front of gunicorn.

Run: ``.venv/bin/python benchmarks/slow_clients.py`` (``make loadtest`` runs
it). Builds a throwaway SQLite database, serves the app as ``make serve`` does
(scripts/serve.py: nginx, then gunicorn with 3 sync workers) and times /healthz
and the matrix page, 30 requests each, first alone, then while 200 clients hold
connections open sending their headers a line every few seconds and 20 more
send a POST body a few bytes at a time. Targets: every request answered, the
median no more than 2x the unloaded median plus 5 ms, the slowest under 500 ms.
Then the same slow clients against gunicorn alone, for comparison: its sync
workers wait on them, and the pages time out.
"""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SLOW_HEADERS = 200
SLOW_BODIES = 20
TIMEOUT = 3.0
# 25 requests a second, under nginx's 30 per client address (deploy/nginx.conf).
PACE = 0.04


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@contextmanager
def _serving(env: dict, port: int, *, front: bool, run: Path):
    if front:
        command = [sys.executable, "scripts/serve.py", "--port", str(port),
                   "--workers", "3", "--run-dir", str(run)]  # fmt: skip
    else:
        command = [str(BIN / "gunicorn"), "config.wsgi", "--bind",
                   f"127.0.0.1:{port}", "--workers", "3"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_up(port)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _timed(url: str, count: int) -> list[float | None]:
    """Seconds per request, None for one that failed or timed out."""
    found: list[float | None] = []
    for _ in range(count):
        time.sleep(PACE)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - loopback http
                response.read()
            found.append(time.perf_counter() - started)
        except (OSError, urllib.error.URLError):
            found.append(None)
    return found


class _SlowClients:
    """Connections that never finish their headers, and bodies that trickle."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sockets: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> "_SlowClients":
        for number in range(SLOW_HEADERS + SLOW_BODIES):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            if number < SLOW_HEADERS:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            else:
                sock.sendall(
                    b"POST /join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100000\r\n\r\ncode="
                )
            self.sockets.append(sock)
        self.thread.start()
        time.sleep(0.5)
        return self

    def _trickle(self) -> None:
        while not self.stopped.wait(2.0):
            for number, sock in enumerate(self.sockets):
                # A socket the server has closed: it gave up on this client.
                with contextlib.suppress(OSError):
                    sock.sendall(b"X-Slow: 1\r\n" if number < SLOW_HEADERS else b"A")

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for sock in self.sockets:
            sock.close()


def _summary(times: list[float | None]) -> tuple[int, float, float]:
    done = [t for t in times if t is not None]
    if not done:
        return 0, float("inf"), float("inf")
    return len(done), statistics.median(done), max(done)


def _measure(port: int) -> dict[str, tuple[int, float, float]]:
    base = f"http://127.0.0.1:{port}"
    return {
        "/healthz": _summary(_timed(base + "/healthz", 30)),
        "/matrix/": _summary(_timed(base + "/matrix/", 30)),
    }


def _line(name: str, figures: tuple[int, float, float], when: str) -> str:
    answered, median, slowest = figures
    if not answered:
        return f"    {name:9s} {when}: 0 of 30 answered (timeouts of {TIMEOUT:g} s)"
    return (
        f"    {name:9s} {when}: {answered} of 30 answered, median "
        f"{1000 * median:.1f} ms, slowest {1000 * slowest:.1f} ms"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/slow.sqlite3",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "slow-clients-" + "k3y-x7Qz9!pL" * 5,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        for command in (("migrate", "-v0"), ("load_content", "-v0"),
                        ("collectstatic", "--noinput", "-v0")):  # fmt: skip
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
            )
        port = _free_port()
        print(f"Slow clients: {SLOW_HEADERS} never finish their headers, "
              f"{SLOW_BODIES} trickle a POST body")  # fmt: skip
        with _serving(env, port, front=True, run=Path(folder) / "run"):
            alone = _measure(port)
            with _SlowClients(port):
                loaded = _measure(port)
        print("  nginx in front of gunicorn (make serve):")
        ok = True
        for name in alone:
            print(_line(name, alone[name], "alone"))
            print(_line(name, loaded[name], "with the slow clients"))
            answered, median, slowest = loaded[name]
            ok = ok and (
                answered == 30
                and median <= 2 * alone[name][1] + 0.005
                and slowest < 0.5
            )
        port = _free_port()
        with (
            _serving(env, port, front=False, run=Path(folder) / "run"),
            _SlowClients(port),
        ):
            bare = _measure(port)
        print("  gunicorn alone, for comparison:")
        for name, figures in bare.items():
            print(_line(name, figures, "with the slow clients"))
        print(f"  {'PASS' if ok else 'MISSED A TARGET'}", flush=True)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
