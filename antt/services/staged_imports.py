"""Files uploaded through the web, held between "check" and "confirm".

The browser sends a file once; ANTT checks it (a dry run), shows the report, and imports the very same
bytes when the analyst confirms — the confirmation names the staged file by an unguessable token and its
SHA-256, never by a path. Staged files hold personal data in clear, so they are private to the server's
user (0600), removed as soon as they are imported or discarded, and swept after an hour.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from antt.errors import InvalidInput, NotFound

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


def staging_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"antt-uploads-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass


def stage(stream: BinaryIO, name: str, max_bytes: int) -> StagedFile:
    """Copy an upload to the staging folder, refusing it beyond ``max_bytes``."""
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
    (folder / f"{token}.name").write_text(display, encoding="utf-8")
    return StagedFile(token, path, display, digest.hexdigest(), size)


def staged(token: str, sha256: str) -> StagedFile:
    """The staged file of ``token`` if it still holds the bytes that were checked."""
    if not _TOKEN.match(token or ""):
        raise NotFound("Không tìm thấy tệp đã kiểm tra.", "No checked file with that token.")
    folder = staging_dir()
    for suffix in _SUFFIXES:
        path = folder / f"{token}{suffix}"
        if path.exists():
            data_hash = hashlib.sha256(path.read_bytes()).hexdigest()
            if data_hash != sha256:
                break
            name_file = folder / f"{token}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.exists() else path.name
            return StagedFile(token, path, name, data_hash, path.stat().st_size)
    raise NotFound(
        "Tệp đã kiểm tra không còn (quá 1 giờ hoặc đã nhập): hãy tải lên lại.",
        "The checked file is gone (older than an hour, or already imported): upload it again.",
    )


def discard(file: StagedFile) -> None:
    file.path.unlink(missing_ok=True)
    (file.path.parent / f"{file.token}.name").unlink(missing_ok=True)
