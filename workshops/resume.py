"""
Resume links: a guest has no password, so a signed token lets them continue on
another device. The token names the account and a digest of its password field,
so it stops working once the guest sets a password (they then sign in instead).
"""

from django.contrib.auth.models import User
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "workshops.resume"
MAX_AGE = 60 * 60 * 24 * 30  # thirty days, the default age of prune_guests


def _password_digest(user: User) -> str:
    return salted_hmac(SALT, user.password, algorithm="sha256").hexdigest()[:16]


def resume_token_make(user: User) -> str:
    """A URL-safe token that signs `user` in on another device."""
    return signing.dumps({"u": user.pk, "p": _password_digest(user)}, salt=SALT)


def resume_token_user(token: str, *, max_age: int = MAX_AGE) -> User | None:
    """The guest a token names, or None when it is forged, old or used up."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    user = (
        User.objects.filter(
            pk=data.get("u"), is_active=True, guest_profile__isnull=False
        )
        .select_related("guest_profile")
        .first()
    )
    if user is None or user.has_usable_password():
        return None
    if _password_digest(user) != data.get("p"):
        return None
    return user
