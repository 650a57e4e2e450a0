"""Serve the app as it is deployed: nginx in front, gunicorn behind.

``make serve`` runs this after collecting static files. nginx (from the
distribution: ``apt-get install nginx-light``) listens on 127.0.0.1:PORT with
deploy/nginx.conf and passes whole requests to gunicorn on a private loopback
port; both run in the foreground and stop together on Ctrl-C (or when either
stops). Run files (the filled-in configuration, pid, temporary bodies) go to
.run/serve/. The app reads the client address from X-Forwarded-For, which nginx
sets.

Usage: python scripts/serve.py [--port 8000] [--workers 3] [--run-dir DIR]
"""

import argparse
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when this script dies
    (killed outright, it could not stop nginx, which would linger on the port)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found is None and Path("/usr/sbin/nginx").exists():
        found = "/usr/sbin/nginx"
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_config(port: int, app_port: int, run: Path) -> str:
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    # Run as root (a container), nginx's workers would drop to "nobody", who may
    # not write the run folder; they stay with the user that started them.
    user = "user root;" if os.geteuid() == 0 else ""
    for name, value in (
        ("user", user),
        ("run", str(run)),
        ("port", str(port)),
        ("app_port", str(app_port)),
    ):
        text = text.replace(f"@{name}@", value)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3))
    )
    parser.add_argument("--run-dir", type=Path, default=ROOT / ".run" / "serve")
    args = parser.parse_args()
    nginx = nginx_binary()
    if nginx is None:
        print(
            "make serve runs nginx in front of gunicorn; install it first "
            "(Debian/Ubuntu: apt-get install nginx-light).",
            file=sys.stderr,
        )
        return 2
    run = args.run_dir.resolve()
    run.mkdir(parents=True, exist_ok=True)
    app_port = free_port()
    config = run / "nginx.conf"
    config.write_text(nginx_config(args.port, app_port, run))
    env = {
        **os.environ,
        "DJANGO_WORKSHOP_CLIENT_IP_HEADER": os.environ.get(
            "DJANGO_WORKSHOP_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR"
        ),
        "DJANGO_PROXY_COUNT": os.environ.get("DJANGO_PROXY_COUNT", "1"),
    }
    check = subprocess.run(
        [nginx, "-t", "-q", "-p", str(run), "-c", str(config), "-e", "stderr"],
        check=False,
    )
    if check.returncode != 0:
        return check.returncode
    app = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{app_port}",
         "--workers", str(args.workers), "--access-logfile", "-",
         "--error-logfile", "-"],
        cwd=ROOT, env=env, preexec_fn=_die_with_parent,
    )  # fmt: skip
    front = subprocess.Popen(
        [nginx, "-p", str(run), "-c", str(config), "-e", "stderr",
         "-g", "daemon off;"],
        cwd=ROOT, preexec_fn=_die_with_parent,
    )  # fmt: skip
    print(f"Serving (production mode, nginx in front) on http://127.0.0.1:{args.port}/",
          flush=True)  # fmt: skip

    def stop(*_) -> None:
        for process in (front, app):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while front.poll() is None and app.poll() is None:
        time.sleep(0.2)
    stop()
    for process in (front, app):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
