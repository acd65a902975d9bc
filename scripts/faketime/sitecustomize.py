"""Loaded by every Python process of `scripts/test-on-date` (and only there).

libfaketime 0.9.10 with the monotonic clock left real (FAKETIME_DONT_FAKE_MONOTONIC) makes
`time.sleep` fail with EINVAL: Python 3.11 sleeps with an absolute clock_nanosleep, which the
library converts wrongly. With the monotonic clock faked, every lock or queue timeout waits
for decades instead. So the monotonic clock stays real and sleeping waits on an Event, whose
timeout works.
"""

import threading
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


time.sleep = _sleep
