"""Files uploaded through the web, held between "check" and "confirm".

The browser sends a file once; ANTT checks it (a dry run), shows the report, and imports the very same
bytes when the analyst confirms — the confirmation names the staged file by an unguessable token and its
SHA-256, never by a path. Staged files hold personal data in clear, so they live in a folder of this
server alone — made new with ``mkdtemp`` (0700) when the server starts, shared by its workers through
:data:`STAGING_ENV`, removed when it stops — never in a folder another instance of the same OS user could
name; each file is 0600, removed as soon as it is imported or discarded, and swept after an hour. The
full list of a rejected file's problems (``issues_path``) is kept there too, for the page's download link.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from antt.errors import InvalidInput, NotFound
from antt.importers.issue_log import KEEP_PER_RULE, IssueCsv, collecting_issues

SHOWN_PER_RULE = KEEP_PER_RULE  # the issues of each rule a rejection holds (the rest are only counted)

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SUFFIXES = (".xlsx", ".csv", ".txt")


@dataclass(frozen=True)
class StagedFile:
    token: str
    path: Path
    name: str  # as the user's computer called it
    sha256: str
    size: int


STAGING_ENV = "ANTT_UPLOAD_STAGING_DIR"  # set by ``antt serve`` for its workers (see shared_staging)
_PREFIX = "antt-uploads-"
_lock = threading.Lock()
_folder: Path | None = None


def staging_dir() -> Path:
    """This server's staging folder: the one its parent made for all its workers, else one of its own."""
    global _folder
    with _lock:
        if _folder is None or not _folder.is_dir():
            inherited = os.environ.get(STAGING_ENV)
            _folder = inherited_folder(Path(inherited)) if inherited else None
            if _folder is None:
                _folder = _new_folder()
                atexit.register(shutil.rmtree, _folder, ignore_errors=True)
        return _folder


def inherited_folder(folder: Path) -> Path | None:
    """``folder`` if it is a real directory of this user that nobody else may enter, else ``None``."""
    try:
        st = folder.lstat()
    except OSError:
        return None
    private = stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077
    return folder if private else None


def _new_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix=_PREFIX))  # 0700, and a name nobody could have prepared


@contextmanager
def shared_staging() -> Iterator[Path]:
    """A staging folder for the worker processes started inside the block (they inherit it through the
    environment), removed with everything in it when the block ends."""
    folder = _new_folder()
    previous = os.environ.get(STAGING_ENV)
    os.environ[STAGING_ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(STAGING_ENV, None)
        else:
            os.environ[STAGING_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def issues_path(token: str) -> Path:
    """Where the full list of problems of the staged file ``token`` is written (see ``issue_log``)."""
    if not _TOKEN.match(token or ""):
        raise NotFound("Không tìm thấy danh sách lỗi.", "No such list of problems.")
    return staging_dir() / f"{token}.issues.csv"


def problems_of(token: str, owner: str) -> Path:
    """The full list of problems of ``token``'s upload, for the user who uploaded it only (anyone else
    is told there is none: the list names rows, values and communes of that user's file)."""
    path = issues_path(token)
    if not path.is_file() or _owner(token) != owner:
        raise NotFound(
            "Danh sách lỗi không còn (quá 1 giờ): hãy kiểm tra lại tệp.",
            "The list of problems is gone (older than an hour): check the file again.",
        )
    return path


def _owner(token: str) -> str | None:
    try:
        return (staging_dir() / f"{token}.owner").read_text(encoding="utf-8")
    except OSError:
        return None


@contextmanager
def listing_problems(file: StagedFile) -> Iterator[IssueCsv]:
    """Every issue found by a validation run inside the block is also written, as CSV, to the staged
    file's :func:`issues_path`; the block gets the list (to add issues found before any validation)."""
    with collecting_issues(issues_path(file.token)) as listed:
        yield listed


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass


def stage(stream: BinaryIO, name: str, max_bytes: int, owner: str = "") -> StagedFile:
    """Copy an upload of ``owner`` (an actor's name) to the staging folder, refusing it beyond
    ``max_bytes``."""
    display = Path(name or "upload").name
    suffix = Path(display).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InvalidInput(
            f"Tệp {display!r}: chỉ nhận tệp .xlsx hoặc .csv.",
            f"File {display!r}: only .xlsx or .csv files are accepted.",
        )
    folder = staging_dir()
    _sweep(folder)
    token = secrets.token_hex(16)
    path = folder / f"{token}{suffix}"
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                path.unlink(missing_ok=True)
                raise InvalidInput(
                    f"Tệp {display!r} lớn hơn giới hạn {max_bytes // (1 << 20)} MB.",
                    f"File {display!r} is larger than the {max_bytes // (1 << 20)} MB limit.",
                )
            digest.update(chunk)
            out.write(chunk)
    _write_private(folder / f"{token}.name", display)
    _write_private(folder / f"{token}.owner", owner)
    return StagedFile(token, path, display, digest.hexdigest(), size)


def staged(token: str, sha256: str, owner: str | None = None) -> StagedFile:
    """The staged file of ``token`` if it still holds the bytes that were checked (and, given an
    ``owner``, was uploaded by them)."""
    if not _TOKEN.match(token or "") or (owner is not None and _owner(token) != owner):
        raise NotFound("Không tìm thấy tệp đã kiểm tra.", "No checked file with that token.")
    folder = staging_dir()
    for suffix in _SUFFIXES:
        path = folder / f"{token}{suffix}"
        if path.exists():
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
            data_hash = digest.hexdigest()
            if data_hash != sha256:
                break
            name_file = folder / f"{token}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.exists() else path.name
            return StagedFile(token, path, name, data_hash, path.stat().st_size)
    raise NotFound(
        "Tệp đã kiểm tra không còn (quá 1 giờ hoặc đã nhập): hãy tải lên lại.",
        "The checked file is gone (older than an hour, or already imported): upload it again.",
    )


def discard(file: StagedFile, *, keep_issues: bool = False) -> None:
    """Remove the staged file (and, unless ``keep_issues``, its list of problems)."""
    file.path.unlink(missing_ok=True)
    (file.path.parent / f"{file.token}.name").unlink(missing_ok=True)
    if not keep_issues:
        (file.path.parent / f"{file.token}.issues.csv").unlink(missing_ok=True)
        (file.path.parent / f"{file.token}.owner").unlink(missing_ok=True)
