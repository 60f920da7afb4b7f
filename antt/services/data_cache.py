"""Results that depend only on the data, kept until the next import.

Every change to incidents and indicator values comes through an import, and every import writes a new
batch row, so (newest batch id, its end time) is a version of the data. Reference data (units, offences,
targets file) changes only with a deploy. A page computing target projections for every view would
spend most of its time re-fitting the same models; this keeps the last results, keyed by the data version
plus whatever else the result depends on (the actor's units, the filters, the day, the targets' revision).

Two levels: each process keeps its own (an LRU of :data:`MAX_ENTRIES`), and the web server's workers
also share one folder (:func:`shared_cache`, named by ``ANTT_SHARED_CACHE``), so a figure one worker
computed is not computed again by the next: with two workers each filling only its own, every key was
computed twice and the commune pages and CompStat filters missed twice as often. Entries of an older data
version are never read (the version is part of the file name) and are removed when a worker first sees a
newer one. The folder is private to the server's user (0700, files 0600), made and removed by the server.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from antt.storage.engine import Database
from antt.storage.status import latest_batch

T = TypeVar("T")
MAX_ENTRIES = 512
MAX_SHARED_FILES = 20_000  # a folder past this is emptied (a CompStat view pickles to ~50 KB)
SHARED_ENV = "ANTT_SHARED_CACHE"

_lock = threading.Lock()
_entries: OrderedDict[Hashable, object] = OrderedDict()
_shared_versions: set[tuple[Path, str]] = set()  # (folder, version) this process has seen
_writes = 0


#: the data versions already read while answering one request (see :func:`one_version_per_request`)
_request_versions: ContextVar[dict[int, tuple[str, int, str] | None] | None] = ContextVar(
    "antt_request_versions", default=None
)


@contextmanager
def one_version_per_request() -> Iterator[None]:
    """Inside the block (a request that changes nothing: GET, HEAD) the data version is read once: a page
    asks for it for each cached figure and for the data's freshness, a database round trip each time
    (≈ 1.5 ms, three or four times a page). A request that may import is not wrapped: its version moves."""
    token = _request_versions.set({})
    try:
        yield
    finally:
        _request_versions.reset(token)


def data_version(database: Database) -> tuple[str, int, str] | None:
    """(database, newest batch id, its end time): changes exactly when the data does."""
    memo = _request_versions.get()
    if memo is not None and id(database) in memo:
        return memo[id(database)]
    with database.transaction(write=False) as session:
        batch = latest_batch(session)
    version = (
        None if batch is None else (database.engine.url.render_as_string(), batch[0], batch[1].isoformat())
    )
    if memo is not None:
        memo[id(database)] = version
    listener = _listeners.get(id(database))
    if listener is not None and version is not None and listener[1] != version:
        _listeners[id(database)] = (listener[0], version)
        listener[0](database, version)
    return version


#: per database (by id): what to call when this process first sees a new data version, and the last seen
_listeners: dict[int, tuple[Callable[[Database, object], None], object]] = {}


def on_new_version(database: Database, listener: Callable[[Database, object], None]) -> None:
    """Call ``listener(database, version)`` whenever this process reads a data version of ``database``
    it has not seen before (the first one included): the web server fills its cache after an import."""
    _listeners[id(database)] = (listener, None)


def cached(database: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result from an earlier call with the same ``key`` on the same data (in this
    process, or in another worker of the same server)."""
    version = data_version(database)
    if version is None:  # nothing imported yet: nothing worth keeping
        return compute()
    full_key = (version, key)
    with _lock:
        if full_key in _entries:
            _entries.move_to_end(full_key)
            return _entries[full_key]  # type: ignore[return-value]
    folder = shared_folder()
    path = None if folder is None else _shared_path(folder, version, key)
    found = _read(path) if path is not None else _MISSING
    value: T = compute() if found is _MISSING else found  # type: ignore[assignment]
    with _lock:
        _entries[full_key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    if path is not None and found is _MISSING:
        _write(path, value)
    return value


def clear() -> None:
    """Forget this process's entries (the shared folder's are left to their data version)."""
    with _lock:
        _entries.clear()


# --- the folder shared by the workers ----------------------------------------------------------------

_MISSING = object()


def shared_folder() -> Path | None:
    """The workers' shared folder, or ``None`` (a single process keeps its own entries only)."""
    name = os.environ.get(SHARED_ENV)
    return _existing_folder(name) if name else None


@lru_cache(maxsize=8)
def _existing_folder(name: str) -> Path | None:
    """``name`` as a path if it is a folder (checked once: each page asks for every cached figure)."""
    return Path(name) if os.path.isdir(name) else None


@contextmanager
def shared_cache() -> Iterator[Path]:
    """A cache folder for the worker processes started inside the block (they inherit it through the
    environment), removed with everything in it when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="antt-cache-"))  # 0700
    previous = os.environ.get(SHARED_ENV)
    os.environ[SHARED_ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(SHARED_ENV, None)
        else:
            os.environ[SHARED_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)


def canonical(key: object) -> str:
    """A text of ``key`` that is the same in every process: sets in sorted order (a frozenset's own
    order follows string hashing, which differs between processes), dates and enums by value."""
    if isinstance(key, (frozenset, set)):
        return "{" + ",".join(sorted(canonical(k) for k in key)) + "}"
    if isinstance(key, (tuple, list)):
        return "(" + ",".join(canonical(k) for k in key) + ")"
    if isinstance(key, Enum):
        return f"{type(key).__name__}.{key.value!r}"
    if key is None or isinstance(key, (str, int, float, bool, date, datetime)):
        return repr(key)
    if hasattr(key, "__dataclass_fields__"):  # frozen dataclasses (a period): their fields, in order
        fields = key.__dataclass_fields__
        return type(key).__name__ + canonical(tuple(getattr(key, f) for f in fields))
    raise TypeError(f"no canonical text for a cache key part of type {type(key).__name__}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def version_tag(version: tuple[str, int, str]) -> str:
    """The prefix of every shared file of data ``version`` (the others are removed as stale)."""
    return _digest(canonical(version))[:16]


def marker(version: tuple[str, int, str], name: str) -> Path | None:
    """A file about data ``version`` in the shared folder (``None`` without one), removed with the
    version's cached results: e.g. the cache warm-up's claim and its end."""
    folder = shared_folder()
    return None if folder is None else folder / f"{version_tag(version)}-{name}"


def _shared_path(folder: Path, version: tuple[str, int, str], key: Hashable) -> Path | None:
    try:
        name = _digest(canonical(key))
    except TypeError:  # a key only this process can tell apart: not shared
        return None
    tag = version_tag(version)
    if (folder, tag) not in _shared_versions:
        _shared_versions.add((folder, tag))
        _drop_other_versions(folder, tag)
    return folder / f"{tag}-{name}.pickle"


def _drop_other_versions(folder: Path, tag: str) -> None:
    """Remove what older data versions left (their keys can never be asked for again)."""
    with suppress(OSError):
        for entry in os.scandir(folder):
            if not entry.name.startswith(tag + "-"):
                with suppress(OSError):
                    os.unlink(entry.path)


def _read(path: Path) -> object:
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 — our own folder (0700), written only by our workers
    except FileNotFoundError:
        return _MISSING
    except Exception:  # a damaged file: computed again and rewritten
        return _MISSING


def _write(path: Path, value: object) -> None:
    """Written to a temporary name and renamed: a reader sees the whole file or none."""
    global _writes
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: kept in this process only
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        with suppress(OSError):
            os.unlink(temporary)
        return
    _writes += 1
    if _writes % 256 == 0:
        with suppress(OSError):
            if sum(1 for _ in os.scandir(path.parent)) > MAX_SHARED_FILES:
                for entry in os.scandir(path.parent):
                    with suppress(OSError):
                        os.unlink(entry.path)
