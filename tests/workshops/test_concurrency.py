"""A room answering at once: every answer is stored exactly once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRAINEES = 30


@pytest.fixture
def database_url(tmp_path) -> str:
    """A fresh SQLite file, or the PostgreSQL server CONCURRENCY_DATABASE_URL names."""
    return os.environ.get("CONCURRENCY_DATABASE_URL") or (
        f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    )


def test_concurrent_trainees_store_every_answer_exactly_once(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    result = subprocess.run(
        [sys.executable, "-m", "tests.workshops.concurrent_answers", str(TRAINEES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["memberships"] == TRAINEES
    # The second tab resumed the first tab's attempt, or found it submitted and
    # started a second one; never two open at once, never an answer twice.
    assert TRAINEES <= outcome["attempts"] <= 2 * TRAINEES
    assert outcome["submitted"] == TRAINEES
    assert outcome["answers"] == outcome["distinct_answers"]
    assert outcome["answers"] == 2 * TRAINEES
