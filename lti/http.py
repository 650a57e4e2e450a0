"""The HTTP client pylti1p3 talks to platforms with: requests, with a time limit."""

import requests

# pylti1p3 sends without a timeout; a platform that never answers would hold a
# request (or lti_send_scores) for ever.
TIMEOUT_SECONDS = 5


class _TimedSession(requests.Session):
    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)


def platform_session() -> requests.Session:
    """A requests session whose calls give up after TIMEOUT_SECONDS."""
    session = _TimedSession()
    session.headers["User-Agent"] = "Shared Responsibility Trainer (LTI 1.3 tool)"
    return session
