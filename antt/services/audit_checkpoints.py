"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "the log had ``records`` records, the last one ``head_id`` with hash ``head_hash``, at
``at``", signed with HMAC-SHA-256 under the checkpoint key (derived from the configured secret; not the
chain key, not the pseudonym key). ``antt audit checkpoint`` appends one per line (JSON) to a file the
operator ships to another machine; ``antt audit verify --checkpoint FILE`` then finds records deleted from
the end, or a log rewritten from some point on, which the chain alone cannot show: the chain proves that
the records hang together, the checkpoint that they are the ones that were there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from antt.errors import InvalidInput

VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    records: int
    head_id: int
    head_hash: str
    at: datetime  # aware UTC

    def _message(self) -> bytes:
        fields = [VERSION, self.records, self.head_id, self.head_hash, _iso(self.at)]
        return json.dumps(fields, separators=(",", ":")).encode("ascii")

    def signature(self, key: bytes) -> str:
        return hmac.new(key, b"antt audit checkpoint|" + self._message(), hashlib.sha256).hexdigest()

    def line(self, key: bytes) -> str:
        """The checkpoint as one JSON line, signed."""
        return json.dumps(
            {
                "v": VERSION,
                "records": self.records,
                "head_id": self.head_id,
                "head_hash": self.head_hash,
                "at": _iso(self.at),
                "mac": self.signature(key),
            },
            separators=(",", ":"),
        )


class CheckpointForged(Exception):
    """The checkpoint line is unreadable or its signature does not match (wrong key or edited)."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(line: str, key: bytes) -> Checkpoint:
    try:
        data = json.loads(line)
        checkpoint = Checkpoint(
            int(data["records"]),
            int(data["head_id"]),
            str(data["head_hash"]),
            datetime.strptime(data["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc),
        )
        mac = str(data["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointForged(str(exc)) from exc
    if int(data.get("v", 0)) != VERSION or not hmac.compare_digest(mac, checkpoint.signature(key)):
        raise CheckpointForged("signature")
    return checkpoint


def last_line(path: Path) -> str | None:
    """The last non-empty line of ``path`` (read from the end: the file only grows)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            lines = [raw for raw in fh.read().splitlines() if raw.strip()]
    except OSError as exc:
        raise InvalidInput(
            f"Không đọc được tệp mốc kiểm toán {path}: {exc.strerror}",
            f"Cannot read the audit checkpoint file {path}: {exc.strerror}",
        ) from exc
    return lines[-1].decode("utf-8", errors="replace") if lines else None


def append_line(path: Path, line: str) -> None:
    """Append ``line`` and make it durable before returning."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise InvalidInput(
            f"Không ghi được tệp mốc kiểm toán {path}: {exc.strerror}",
            f"Cannot write the audit checkpoint file {path}: {exc.strerror}",
        ) from exc
