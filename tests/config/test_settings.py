"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(
    code: str = "import config.settings as s; print(s.DEBUG)", **env: str
) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with only `env` of the DJANGO_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_defaults_on_for_development():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_bad_boolean_is_refused():
    result = _load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize("raw", ["ten", "1.5", "-1", " "])
def test_a_bad_or_negative_whole_number_is_refused(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import env_int

    monkeypatch.setenv("DJANGO_SOME_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SOME_NUMBER must"):
        env_int("DJANGO_SOME_NUMBER", 3)


def test_a_whole_number_is_read_or_defaults(monkeypatch):
    from config.settings import env_int

    assert env_int("DJANGO_SOME_NUMBER", 3) == 3
    monkeypatch.setenv("DJANGO_SOME_NUMBER", " 0 ")
    assert env_int("DJANGO_SOME_NUMBER", 3) == 0


def test_join_throttling_settings_come_from_the_environment():
    result = _load_settings(DJANGO_WORKSHOP_JOIN_FAILURES_PER_ADDRESS="many")
    assert result.returncode != 0
    assert "DJANGO_WORKSHOP_JOIN_FAILURES_PER_ADDRESS must be a whole number" in (
        result.stderr
    )


GOOD_KEY = "k3y-" + "x7Qz9!pL" * 8


def test_production_requires_a_secret_key_and_allowed_hosts():
    result = _load_settings(DJANGO_DEBUG="false")
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr
    result = _load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=GOOD_KEY)
    assert "Set the DJANGO_ALLOWED_HOSTS environment variable" in result.stderr
    result = _load_settings(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="trainer.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("key", ["", "   ", "short-key", "x" * 60])
def test_production_refuses_an_empty_or_weak_secret_key(key):
    """Issue 14, item 7: an empty key used to pass and start a broken server."""
    result = _load_settings(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="trainer.example.org",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 characters" in result.stderr


@pytest.mark.parametrize("hosts", ["", " ", " , "])
def test_production_refuses_empty_allowed_hosts(hosts):
    result = _load_settings(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS=hosts
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name at least one host" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "trainer.example.org",
}


def _mailer(**env: str) -> subprocess.CompletedProcess:
    """Prints the default mailer's backend, its options and the sender."""
    return _load_settings(
        "import config.settings as s; m = s.MAILERS['default']; "
        "print(m['BACKEND']); print(sorted(m.get('OPTIONS', {}).items())); "
        "print(s.DEFAULT_FROM_EMAIL)",
        **env,
    )


def test_development_prints_email_on_the_console():
    result = _mailer()
    assert result.returncode == 0, result.stderr
    assert "console.EmailBackend" in result.stdout


def test_production_sends_email_through_the_smtp_server_of_the_environment():
    result = _mailer(
        **PRODUCTION,
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="trainer",
        DJANGO_EMAIL_HOST_PASSWORD="s3cret",
        DJANGO_EMAIL_USE_TLS="true",
        DJANGO_DEFAULT_FROM_EMAIL="Trainer <trainer@example.org>",
    )
    assert result.returncode == 0, result.stderr
    backend, options, sender = result.stdout.splitlines()
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    for expected in [
        "('host', 'smtp.example.org')",
        "('port', 587)",
        "('username', 'trainer')",
        "('password', 's3cret')",
        "('use_tls', True)",
        "('use_ssl', False)",
    ]:
        assert expected in options
    assert sender == "Trainer <trainer@example.org>"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_EMAIL_PORT": "smtp"}, "DJANGO_EMAIL_PORT must be a whole number"),
        ({"DJANGO_EMAIL_PORT": "0"}, "DJANGO_EMAIL_PORT must be a port number"),
        ({"DJANGO_EMAIL_PORT": "70000"}, "DJANGO_EMAIL_PORT must be a port number"),
        ({"DJANGO_EMAIL_USE_TLS": "sometimes"}, "DJANGO_EMAIL_USE_TLS must be true"),
        (
            {"DJANGO_EMAIL_USE_TLS": "yes", "DJANGO_EMAIL_USE_SSL": "yes"},
            "Set at most one of DJANGO_EMAIL_USE_TLS",
        ),
        ({"DJANGO_EMAIL_HOST": " "}, "DJANGO_EMAIL_HOST must name the SMTP server"),
        ({"DJANGO_EMAIL_TIMEOUT_SECONDS": "0"}, "must be at least 1"),
        ({"DJANGO_DEFAULT_FROM_EMAIL": "trainer"}, "must be an email address"),
        (
            {"DJANGO_PASSWORD_RESETS_PER_EMAIL": "lots"},
            "DJANGO_PASSWORD_RESETS_PER_EMAIL must be a whole number",
        ),
    ],
)
def test_a_bad_email_setting_is_refused(env, message):
    result = _mailer(**PRODUCTION, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_sqlite_file_database_uses_wal_and_immediate_transactions(
    tmp_path, django_db_blocker
):
    from django.conf import settings
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = settings.SQLITE_OPTIONS
    assert options["transaction_mode"] == "IMMEDIATE"
    wrapper = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "NAME": str(tmp_path / "trainer.sqlite3"),
            "OPTIONS": options,
        }
    )
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
        finally:
            wrapper.close()


def _boom(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_shows_the_friendly_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "RuntimeError" not in response.content.decode()


def test_production_settings_pass_the_deploy_check():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "DJANGO_ALLOWED_HOSTS": "trainer.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_health_endpoint_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_security_headers_are_on_every_response(client):
    for url in ["/", "/no-such-page/", "/healthz"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


def _post_join_form(charset, *, path="/join"):
    """The join form as a browser posts it (CSRF cookie and token), but with the
    body declared in ``charset``; the response as the server sends it."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    form = client.get("/join").content.decode()
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    content_type = "application/x-www-form-urlencoded"
    if charset:
        content_type += f"; charset={charset}"
    return client.generic(  # sends the bytes as they are, whatever the charset
        "POST",
        path,
        f"csrfmiddlewaretoken={token}&code=&display_name=%E9t%E9".encode(),
        content_type=content_type,
    )


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "UTF-32", "us-ascii"])
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/join", 400, "That request could not be read"),
        ("/no-such-page/", 404, "We could not find that page"),
    ],
)
def test_a_form_body_in_another_charset_gets_the_sites_error_page(
    db, charset, path, status, heading
):
    """Issue 14, item 6: Django refuses the body (400), and its own error views
    read the body again for their CSRF check and failed: a bare 500 without
    the site's headers. Now the site's page, with every header."""
    response = _post_join_form(charset, path=path)
    assert response.status_code == status
    assert heading in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("charset", [None, "utf-8", "UTF-8", "a-charset-nobody-knows"])
def test_a_form_body_in_utf8_is_read_as_before(db, charset):
    """UTF-8, said or not (Django reads a charset it does not know as UTF-8)."""
    response = _post_join_form(charset)
    assert response.status_code == 422  # the join form's own answer: no code
