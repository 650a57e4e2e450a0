"""Rate limits counted by many requests at once: no deadlock, no lost count.

On PostgreSQL (LIMITS_DATABASE_URL, set by .ci/run) the old order, which
inserted a new key inside the transaction that had already locked another,
deadlocked when ten guests joined from one address (make loadtest)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THREADS, CALLS = 16, 30


@pytest.fixture
def database_url(tmp_path) -> str:
    url = os.environ.get("LIMITS_DATABASE_URL")
    return url or f"sqlite:///{tmp_path / 'limits.sqlite3'}"


def test_concurrent_counts_neither_deadlock_nor_get_lost(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    result = subprocess.run(
        [sys.executable, "-m", "tests.accounts.concurrent_limits", str(THREADS),
         str(CALLS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["shared"] == THREADS * CALLS
    assert outcome["total"] == THREADS * CALLS
