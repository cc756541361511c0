"""Polling with a deadline: the deadline only stops a hung test, it is never a performance threshold."""
import time


def wait_until(predicate, deadline_s, interval_s=0.1, message="condition"):
    """Polls until predicate() is truthy and returns its value."""
    end = time.monotonic() + deadline_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {deadline_s}s waiting for {message}")
        time.sleep(interval_s)
