"""Results that depend only on the data, kept until the next import.

Every change to incidents and indicator values comes through an import, and every import writes a new
batch row, so (newest batch id, its end time) is a version of the data. Reference data (units, offences,
targets file) changes only with a deploy. A page computing target projections for every view would
spend most of its time re-fitting the same models; this keeps the last results per process, keyed by
the data version plus whatever else the result depends on (the actor's units, the filters, the day).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from antt.storage.engine import Database
from antt.storage.status import latest_batch

T = TypeVar("T")
MAX_ENTRIES = 512

_lock = threading.Lock()
_entries: OrderedDict[Hashable, object] = OrderedDict()


def data_version(database: Database) -> tuple[str, int, str] | None:
    with database.transaction(write=False) as session:
        batch = latest_batch(session)
    return None if batch is None else (database.engine.url.render_as_string(), batch[0], batch[1].isoformat())


def cached(database: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result from an earlier call with the same ``key`` on the same data."""
    version = data_version(database)
    if version is None:  # nothing imported yet: nothing worth keeping
        return compute()
    full_key = (version, key)
    with _lock:
        if full_key in _entries:
            _entries.move_to_end(full_key)
            return _entries[full_key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _entries[full_key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
