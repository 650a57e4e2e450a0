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
"""

import contextlib
import os
import sys
import threading
from collections.abc import Callable

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
    outcome: dict = {}
    finished = threading.Lock()  # held while renicing, so the thread id stays valid

    def work() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error
        finally:
            with finished:
                outcome["done"] = True

    worker = threading.Thread(target=work, name="slow-check", daemon=True)
    worker.start()
    worker.join(GRACE_SECONDS if grace is None else grace)
    with finished:
        if not outcome.get("done"):
            # Where this is not permitted, the check runs at the normal priority.
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, worker.native_id, LOW_PRIORITY)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
