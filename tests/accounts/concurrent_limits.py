"""
Many requests counting the same rate limits at once, against a real database.

Run by test_throttle_concurrency.py in a subprocess (like
tests/workshops/concurrent_answers.py), so the database is a SQLite file in WAL
mode or the PostgreSQL server DATABASE_URL names. Each thread counts uses as a
join does: a key every thread shares (the workshop's) and a key a few threads
share that keeps changing (the network's guests), so new keys appear while
others are locked. Prints one JSON object with the counts and the errors.
"""

import json
import os
import sys
import threading

import django

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 16
CALLS = int(sys.argv[2]) if len(sys.argv) > 2 else 30


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import RateLimit
    from accounts.throttle import Limit, rate_limit_count, rate_limit_hit

    call_command("migrate", verbosity=0)
    RateLimit.objects.filter(key__startswith="join:").delete()  # a rerun's
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        try:
            start.wait()
            for call in range(CALLS):
                network = f"{number % 4}-{call // 3}"
                limits = [
                    Limit("join:workshop:1", 10**9, 3600),
                    Limit(f"join:guests:{network}", 10**9, 3600),
                ]
                if call % 2:
                    rate_limit_count(limits)
                else:
                    rate_limit_hit(limits)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "errors": errors,
                "shared": RateLimit.objects.get(key="join:workshop:1").hits,
                "total": sum(
                    RateLimit.objects.filter(
                        key__startswith="join:guests:"
                    ).values_list("hits", flat=True)
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
