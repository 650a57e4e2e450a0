"""Signing a browser in without typing a password: one session row, one cookie."""

from django.conf import settings
from django.test import Client


def sign_in(context, base_url: str, user) -> None:
    """Give the Playwright browser context a logged-in session for `user`."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )
