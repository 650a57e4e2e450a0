"""Test settings: the development settings with fast hashing and no file database."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test process counts large checks on its own (exercises/services.py):
# parallel test processes must not take each other's slots.
EXERCISE_SLOT_DIR = __import__("tempfile").mkdtemp(prefix="srt-check-slots-test-")
