"""Chunks of an incident file, validated and prepared for the database — on a second core when it pays.

:func:`prepared_chunks` yields, for every chunk of rows, the :class:`PreparedChunk` the writer applies (or
``None`` once any row has failed: from then on the file is only validated, so that every issue is
reported). The validator's issues and counters are up to date at each step.

For a big file, and when the caller runs in the main thread of a POSIX system, the reading, validation
and preparation (content hashes, encoding, new/changed/unchanged) run in a child process forked from the
caller, which meanwhile writes the chunks already prepared: two cores for one import. The child shares
everything the caller has loaded (reference data, the validator, the writer's index of existing
incidents) and never touches the database, the terminal or anything else another thread of the caller
(a progress display, say) may hold at the moment of the fork. What stays true:

- *Nothing is written unless the whole file passes*: the child prepares no chunk after the first error,
  and the caller writes within its single transaction, which it rolls back on any error.
- *Every issue, in order*: the child sends the issues found since its last message with every chunk;
  :meth:`IncidentValidator.absorb` appends them to the caller's validator.
- *Killing the caller kills the import*: the caller's transaction dies with it, and the child's next
  message fails with a broken pipe, on which it exits (it holds no lock and has written nothing). When
  the caller stops early for any reason, it kills the child and reaps it.
- *The child's errors are the caller's*: an exception in the child (a malformed file, say) is sent over
  and raised again in the caller, with its type and fields.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from antt.importers.incidents import IncidentValidator
from antt.storage.incidents import PreparedChunk

Rows = Iterable[tuple[int, list[object]]]
Prepare = Callable[[list[Any]], PreparedChunk]

PARALLEL_FROM_BYTES = 1 << 20  # below ~9,000 rows a second process costs more than it saves


def can_fork() -> bool:
    """Forking is safe here: a POSIX system, and the main thread (a web worker thread never forks)."""
    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread()


@contextmanager
def prepared_chunks(
    validator: IncidentValidator, rows: Rows, prepare: Prepare, *, parallel: bool
) -> Iterator[Iterator[PreparedChunk | None]]:
    """The prepared chunks of ``rows``; validated in a forked child when ``parallel`` (see the module)."""
    if not parallel:
        yield _in_process(validator, rows, prepare)
        return
    receiver, sender = Pipe(duplex=False)
    gc.freeze()  # the child's garbage collections then leave the objects it shares with the parent alone
    try:
        pid = os.fork()
    except OSError:  # no process to spare: validate here
        gc.unfreeze()
        receiver.close()
        sender.close()
        yield _in_process(validator, rows, prepare)
        return
    if pid == 0:  # the child: never returns
        receiver.close()
        _child(validator, rows, prepare, sender)
    sender.close()
    finished = threading.Event()
    try:
        yield _received(validator, receiver, finished)
    finally:
        receiver.close()  # a child still sending gets a broken pipe and exits
        if not finished.is_set():  # the parent stopped early: don't wait for the rest of the file
            _kill(pid)
        os.waitpid(pid, 0)
        gc.unfreeze()


def _in_process(validator: IncidentValidator, rows: Rows, prepare: Prepare) -> Iterator[PreparedChunk | None]:
    for records in validator.records(rows):
        yield prepare(records) if validator.error_count == 0 else None


# --- the child ---------------------------------------------------------------------------------------
def _child(validator: IncidentValidator, rows: Rows, prepare: Prepare, sender: Connection) -> NoReturn:
    """Validate and prepare, sending ``(kind, progress, payload)`` messages; exit without cleanup.

    Kinds: ``chunk`` (payload: a prepared chunk, or None after an error), ``done``, ``failed`` (payload:
    the exception, see ``_portable``). ``os._exit`` skips the interpreter's cleanup, which belongs to
    the parent (its database connection, its open files, its terminal).
    """
    code = 0
    try:
        sent = len(validator.issues)
        for records in validator.records(rows):
            chunk = prepare(records) if validator.error_count == 0 else None
            sender.send(("chunk", validator.progress_since(sent), chunk))
            sent = len(validator.issues)
        sender.send(("done", validator.progress_since(sent), None))
    except (BrokenPipeError, KeyboardInterrupt):  # the parent is gone or stopping: just go
        code = 1
    except BaseException as exc:  # every failure is the parent's to report
        code = 1
        with suppress(BaseException):  # if the parent is gone, nobody is left to tell
            sender.send(("failed", None, _portable(exc)))
    finally:
        os._exit(code)


def _portable(exc: BaseException) -> tuple[type[BaseException], tuple[Any, ...], dict[str, Any], str]:
    """An exception as (type, args, fields, traceback): it survives pickling even when its ``__init__``
    takes other arguments than ``args`` (as :class:`~antt.errors.AnttError` does)."""
    return type(exc), exc.args, dict(getattr(exc, "__dict__", {})), traceback.format_exc()


# --- the parent --------------------------------------------------------------------------------------
def _received(
    validator: IncidentValidator, receiver: Connection, finished: threading.Event
) -> Iterator[PreparedChunk | None]:
    while True:
        try:
            kind, progress, payload = receiver.recv()
        except EOFError:
            raise RuntimeError("the validating process ended without finishing the file") from None
        if kind == "failed":
            raise _rebuilt(payload)
        validator.absorb(progress)
        if kind == "done":
            finished.set()
            return
        yield payload


def _rebuilt(payload: tuple[type[BaseException], tuple[Any, ...], dict[str, Any], str]) -> BaseException:
    cls, args, fields, child_traceback = payload
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(fields)
    exc.add_note(f"raised in the validating process:\n{child_traceback}")
    return exc


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):  # already gone
        os.kill(pid, signal.SIGKILL)
