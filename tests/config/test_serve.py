"""`make serve` runs nginx in front of gunicorn: scripts/serve.py with
deploy/nginx.conf."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import serve  # noqa: E402

needs_nginx = pytest.mark.skipif(
    serve.nginx_binary() is None, reason="nginx is not installed (.ci/run installs it)"
)


@needs_nginx
def test_the_nginx_configuration_is_valid(tmp_path):
    config = tmp_path / "nginx.conf"
    config.write_text(serve.nginx_config(8000, 8001, tmp_path))
    checked = subprocess.run(
        [serve.nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(config),
         "-e", "stderr"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    text = config.read_text()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    assert "@" not in body  # every value filled in
    for rule in ("client_header_timeout 10s", "client_body_timeout 10s",
                 "proxy_request_buffering on", "limit_req_status 429",
                 "proxy_set_header X-Forwarded-For $remote_addr"):  # fmt: skip
        assert rule in text


def test_serve_says_what_to_install_without_nginx(monkeypatch, capsys):
    monkeypatch.setattr(serve, "nginx_binary", lambda: None)
    monkeypatch.setattr(sys, "argv", ["serve.py", "--port", "8000"])
    assert serve.main() == 2
    assert "apt-get install nginx-light" in capsys.readouterr().err


@needs_nginx
def test_the_stack_serves_through_nginx_and_stops_with_its_script(tmp_path):
    """A page answers through nginx with the app's own headers; the script's
    end takes nginx and gunicorn with it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin:/usr/sbin",
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "serve-test-" + "k3y-x7Qz9!pL" * 5,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    process = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "--port", str(port), "--workers", "1",
         "--run-dir", str(tmp_path / "run")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        response = None
        for _ in range(100):
            try:
                response = urllib.request.urlopen(  # noqa: S310 - loopback http
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                )
                break
            except OSError:
                time.sleep(0.1)
        assert response is not None and response.status == 200
        assert response.headers["Server"] == "nginx"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        process.terminate()
        process.wait(timeout=30)
    time.sleep(0.5)
    with socket.socket() as sock:  # nothing listens on the port any more
        assert sock.connect_ex(("127.0.0.1", port)) != 0
