"""
Keep expensive policy checks from slowing everyone else down.

Grading a policy is pure CPU: a few milliseconds for a trainee's policy, but a
large, wildcard-heavy one can take a few hundred. A server process serves one
request at a time, so such a check would take a core from the other trainees'
pages. `run_yielding` runs the check in a helper thread; if it is still running
after a short grace period, it lowers that thread's scheduling priority (nice
19, Linux's per-thread nice value), so the operating system serves the other
requests first and gives the check whatever CPU is left. The caller waits for
the result either way; only the slow check itself gets slower under load.

Why a new thread for every check rather than a long-lived pool: lowering a
thread's priority is one-way. Raising it back needs CAP_SYS_NICE, which app
servers do not have, so a pooled thread demoted once would run every later
check, quick ones included, at nice 19, and a pool would soon hold only demoted
threads. A fresh thread starts at the process's priority and ends with its
check. Starting it costs about 0.1 ms (measured on the 2-core development
machine under load), against a few milliseconds for the cheapest check.
Only public APIs are used: threading, concurrent.futures.Future and
os.setpriority.
"""

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future

GRACE_SECONDS = 0.02
LOW_PRIORITY = 19
# Elsewhere a thread id is not a valid target for setpriority().
CAN_RENICE = sys.platform == "linux"


def run_yielding[T](
    function: Callable[..., T], /, *args, grace: float | None = None, **kwargs
) -> T:
    """
    Return function(*args, **kwargs), demoted to low priority once it has run
    for `grace` seconds (GRACE_SECONDS by default; 0 demotes it at once).
    """
    if not CAN_RENICE:
        return function(*args, **kwargs)
    outcome: Future[T] = Future()
    # Held while renicing; the worker takes it before it may end, so the thread
    # id the caller renices is still the worker's (ids are reused once it ends).
    running = threading.Lock()

    def work() -> None:
        try:
            value = function(*args, **kwargs)
        except BaseException as error:  # re-raised in the caller's thread
            with running:
                outcome.set_exception(error)
        else:
            with running:
                outcome.set_result(value)

    worker = threading.Thread(target=work, name="slow-check", daemon=True)
    worker.start()
    worker.join(GRACE_SECONDS if grace is None else grace)
    with running:
        if not outcome.done():
            # Where this is not permitted, the check runs at the normal priority.
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, worker.native_id, LOW_PRIORITY)
    return outcome.result()
