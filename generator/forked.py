"""Work spread over every core by forked children, which inherit what the work reads.

Only the items and the results cross between processes (pickled); the function and everything it
reads (compiled schemas, records, templates) the children already hold as the parent had them at
the fork, so nothing large is sent and nothing is loaded twice.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_TASK: Callable[[Any], Any] | None = None  # set only while a pool of forked children runs


def workers() -> int:
    """The processes worth starting on this machine (at most 8)."""
    return min(os.cpu_count() or 1, 8)


def forked_map(task: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`task` of each of `items`, in order, computed in workers() forked children."""
    global _TASK
    _TASK = task
    try:
        with ProcessPoolExecutor(workers(), mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, items))
    finally:
        _TASK = None


def _run(item: Any) -> Any:
    if _TASK is None:  # not an assert: it would vanish under python -O
        raise RuntimeError("forked_map's children are forked only while its task is set")
    return _TASK(item)
