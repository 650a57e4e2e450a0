"""
Where pylti1p3 keeps what one request leaves for the next (OIDC state, nonces,
launch data): the database, shared by every app server. Django's default cache
here is per process, so a login initiation answered by one server and the
launch answered by another would not find each other's values.
"""

from datetime import timedelta

from django.utils import timezone
from pylti1p3.launch_data_storage.base import LaunchDataStorage

from .models import LaunchValue

DEFAULT_LIFETIME_SECONDS = 3600


class DatabaseLaunchStorage(LaunchDataStorage):
    """pylti1p3's storage contract on the LaunchValue table."""

    def get_session_cookie_name(self):
        # As pylti1p3's cache storage: over plain HTTP (development) the cookie
        # could not be SameSite=None, so the values are keyed without it.
        if self._request is None or not self._request.is_secure():
            return None
        return super().get_session_cookie_name()

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str):
        row = (
            LaunchValue.objects.filter(
                key=self._prepare_key(key), expires_at__gt=timezone.now()
            )
            .only("value")
            .first()
        )
        return None if row is None else row.value

    def set_value(self, key: str, value, exp: int | None = None) -> None:
        lifetime = timedelta(seconds=exp or DEFAULT_LIFETIME_SECONDS)
        LaunchValue.objects.update_or_create(
            key=self._prepare_key(key),
            defaults={"value": value, "expires_at": timezone.now() + lifetime},
        )

    def check_value(self, key: str) -> bool:
        return LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).exists()

    def take_value(self, key: str) -> bool:
        """Delete the value and say whether it was there: of two requests
        presenting the same nonce, exactly one sees True."""
        deleted, _ = LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).delete()
        return deleted > 0


def launch_values_prune() -> int:
    """Delete expired values; returns how many went."""
    deleted, _ = LaunchValue.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
