"""Template context shared by every page."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

NAVIGATION = {
    "home": "home",
    "matrix": "responsibility:matrix",
    "services": "responsibility:services",
    "compare": "responsibility:compare",
    "guides": "responsibility:guides",
    "quizzes": "quizzes:list",
    "exercises": "exercises:list",
    "labs": "labs:index",
    "join": "workshops:join",
    "progress": "quizzes:progress",
    "workshops": "workshops:list",
    "admin": "admin:index",
    "password": "accounts:password_change",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "sign_up": "accounts:sign_up",
}


@lru_cache(maxsize=8)
def _navigation_urls(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in NAVIGATION.items()}


def navigation(request) -> dict:
    """The menu's addresses, reversed once per process rather than on every page."""
    return {"nav": _navigation_urls(get_script_prefix())}
