"""Preparing queued media in the test's own thread: what the pool's threads do, one by one."""

from __future__ import annotations

from signage.jobs.preparation import prepare_claimed, recover_interrupted
from signage.media import library
from signage.media.library import worker_name
from signage.parts import Signage


def prepare_queued(parts: Signage) -> list[str]:
    """Prepare queued media until none is left, here and now; the ids it finished."""
    recover_interrupted(parts)
    finished = []
    while (row := library.claim_next(parts.store, worker_name())) is not None:
        prepare_claimed(parts, row)
        finished.append(row["id"])
    return finished
