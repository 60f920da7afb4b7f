"""The backup file: a tar stream (data members, then ``manifest.json``), zlib-compressed, cut into frames,
optionally encrypted frame by frame with AES-256-GCM, and closed by a SHA-256 of everything before it.

Layout::

    header   "ANTTBAK\\0" | format (1 byte) | mode (1 byte: 0 plain, 1 AES-GCM)
             [AES-GCM: salt (16) | key check (16)]
    frames   length (4 bytes big-endian; the high bit marks the last frame) | bytes
    trailer  SHA-256 of header and frames (32)

Why this shape: the trailer tells a damaged or truncated file from a good one *before* anything is
decrypted or written, so "one byte flipped" and "cut short" get one clear message; the key check tells a
wrong key from damage; frames keep memory flat at any database size (AES-GCM in ``cryptography`` is
one-shot), and each frame's nonce carries its index and a last-frame flag (the STREAM construction), so
frames can be neither reordered, dropped nor cut off at a frame boundary without the tag failing.
The AES key is derived from the key file with HKDF-SHA-256 and a random per-file salt, so a nonce is never
reused under one key.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import shutil
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from antt.errors import InvalidInput

MAGIC = b"ANTTBAK\x00"
FORMAT = 1
PLAIN, AES_GCM = 0, 1
FRAME = 1 << 20  # plaintext bytes per frame
_LAST = 0x8000_0000
_TAG = 16
_SALT = 16
_CHECK = 16
_TRAILER = 32
COMPRESSION_LEVEL = 1  # zlib: on SQLite pages level 1 packs within ~10 % of level 6, twice as fast
MIN_KEY_BYTES = 32
MANIFEST = "manifest.json"


def _bad(vi: str, en: str) -> InvalidInput:
    return InvalidInput(vi, en)


def read_key_file(path: Path) -> bytes:
    """The secret of a key file (its bytes, surrounding whitespace removed): at least 32 bytes."""
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise _bad(
            f"Không đọc được tệp khoá {path}: {exc.strerror}",
            f"Cannot read the key file {path}: {exc.strerror}",
        ) from exc
    if len(secret) < MIN_KEY_BYTES:
        raise _bad(
            f"Tệp khoá {path} quá ngắn: cần ít nhất {MIN_KEY_BYTES} byte bí mật.",
            f"The key file {path} is too short: at least {MIN_KEY_BYTES} secret bytes are needed.",
        )
    return secret


def _keys(secret: bytes, salt: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=b"antt backup v1").derive(secret)
    return material[:32], material[32:]


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _FrameSink(io.RawIOBase):
    """A write-only file: compresses what it gets, cuts it into frames, encrypts them, hashes everything."""

    def __init__(self, out: IO[bytes], secret: bytes | None) -> None:
        super().__init__()
        self._out = out
        self._digest = hashlib.sha256()
        self._compressor = zlib.compressobj(COMPRESSION_LEVEL)
        self._pending = bytearray()
        self._index = 0
        self._aead: Any = None
        header = MAGIC + bytes([FORMAT, AES_GCM if secret else PLAIN])
        if secret is not None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            salt = os.urandom(_SALT)
            key, check_key = _keys(secret, salt)
            self._aead = AESGCM(key)
            header += salt + hmac.new(check_key, header + salt, hashlib.sha256).digest()[:_CHECK]
        self._header = header
        self._emit(header)
        self.plain_bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.plain_bytes += len(view)
        self._pending += self._compressor.compress(view)
        while len(self._pending) >= FRAME:
            self._frame(bytes(self._pending[:FRAME]), last=False)
            del self._pending[:FRAME]
        return len(view)

    def finish(self) -> str:
        """Write the last frame and the trailer; the file's SHA-256 (hex, the trailer's value)."""
        self._pending += self._compressor.flush()
        while len(self._pending) > FRAME:
            self._frame(bytes(self._pending[:FRAME]), last=False)
            del self._pending[:FRAME]
        self._frame(bytes(self._pending), last=True)
        digest = self._digest.digest()
        self._out.write(digest)
        return digest.hex()

    def _frame(self, data: bytes, *, last: bool) -> None:
        if self._aead is not None:
            data = self._aead.encrypt(_nonce(self._index, last), data, self._header)
        self._index += 1
        self._emit(struct.pack(">I", len(data) | (_LAST if last else 0)) + data)

    def _emit(self, data: bytes) -> None:
        self._digest.update(data)
        self._out.write(data)


def write_archive(
    out: IO[bytes], secret: bytes | None, fill: Callable[[tarfile.TarFile], dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """Write a backup to ``out``: ``fill`` adds the data members to the tar and returns the manifest,
    which goes in last. Returns the file's SHA-256 and the manifest."""
    sink = _FrameSink(out, secret)
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        manifest = fill(tar)
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    return sink.finish(), manifest


# ---------------------------------------------------------------------------------------------- reading

NOT_A_BACKUP = (
    "Tệp {name} không phải là bản sao lưu ANTT.",
    "{name} is not an ANTT backup file.",
)
DAMAGED = (
    "Bản sao lưu {name} bị hỏng hoặc bị cắt cụt (mã kiểm tra SHA-256 không khớp): không dùng được.",
    "The backup {name} is damaged or truncated (its SHA-256 checksum does not match): it cannot be used.",
)


def refuse(message: tuple[str, str], name: str) -> InvalidInput:
    return _bad(message[0].format(name=name), message[1].format(name=name))


def check_file(path: Path) -> tuple[int, str]:
    """Read the whole file once: its mode (plain / AES-GCM) and SHA-256, or a clear refusal when it is not
    a backup, is of a newer format, or is damaged or truncated anywhere."""
    name = path.name
    try:
        size = path.stat().st_size
        fh = path.open("rb")
    except OSError as exc:
        raise _bad(
            f"Không mở được tệp {path}: {exc.strerror}", f"Cannot open the file {path}: {exc.strerror}"
        ) from exc
    with fh:
        header = fh.read(len(MAGIC) + 2)
        if len(header) < len(MAGIC) + 2 or header[: len(MAGIC)] != MAGIC:
            raise refuse(NOT_A_BACKUP, name)
        if header[len(MAGIC)] > FORMAT:
            raise _bad(
                f"Bản sao lưu {name} có định dạng {header[len(MAGIC)]}, mới hơn phiên bản ANTT này "
                f"(định dạng {FORMAT}): hãy dùng ANTT mới hơn.",
                f"The backup {name} has format {header[len(MAGIC)]}, newer than this ANTT's ({FORMAT}): use a "
                "newer ANTT.",
            )
        mode = header[len(MAGIC) + 1]
        if size < len(header) + _TRAILER or mode not in (PLAIN, AES_GCM):
            raise refuse(DAMAGED, name)
        digest = hashlib.sha256(header)
        remaining = size - len(header) - _TRAILER
        while remaining:
            block = fh.read(min(remaining, 1 << 20))
            if not block:
                raise refuse(DAMAGED, name)
            digest.update(block)
            remaining -= len(block)
        if not hmac.compare_digest(fh.read(_TRAILER), digest.digest()):
            raise refuse(DAMAGED, name)
    return mode, digest.hexdigest()


def _frames(path: Path, secret: bytes | None) -> Iterator[bytes]:
    """The decrypted, decompressed bytes of a file that :func:`check_file` accepted."""
    name = path.name
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(len(MAGIC) + 2)
        aead: Any = None
        if header[-1] == AES_GCM:
            salt_check = fh.read(_SALT + _CHECK)
            header += salt_check
            if secret is None:
                raise _bad(
                    f"Bản sao lưu {name} đã được mã hoá: cần --encrypt-key-file.",
                    f"The backup {name} is encrypted: give --encrypt-key-file.",
                )
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            key, check_key = _keys(secret, salt_check[:_SALT])
            expected = hmac.new(check_key, header[:-_CHECK], hashlib.sha256).digest()[:_CHECK]
            if not hmac.compare_digest(expected, salt_check[_SALT:]):
                raise _bad(
                    f"Sai khoá giải mã cho bản sao lưu {name}.",
                    f"Wrong decryption key for the backup {name}.",
                )
            aead = AESGCM(key)
        end = size - _TRAILER
        decompressor = zlib.decompressobj()
        index = 0
        while True:
            if fh.tell() + 4 > end:
                raise refuse(DAMAGED, name)
            (word,) = struct.unpack(">I", fh.read(4))
            last, length = bool(word & _LAST), word & ~_LAST
            if length > FRAME + _TAG or fh.tell() + length > end:
                raise refuse(DAMAGED, name)
            data = fh.read(length)
            if aead is not None:
                from cryptography.exceptions import InvalidTag

                try:
                    data = aead.decrypt(_nonce(index, last), data, header)
                except InvalidTag as exc:
                    raise refuse(DAMAGED, name) from exc
            index += 1
            try:
                yield decompressor.decompress(data)
            except zlib.error as exc:
                raise refuse(DAMAGED, name) from exc
            if last:
                break
        if fh.tell() != end or not decompressor.eof:
            raise refuse(DAMAGED, name)


class _Source(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def read_archive(
    path: Path, secret: bytes | None, open_member: Callable[[str], IO[bytes] | None]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Stream the members of a checked backup: each data member is copied into the file that
    ``open_member(name)`` returns (``None``: a name that does not belong in a backup → refused).
    Returns the manifest and the SHA-256 of each member as read (the caller compares them)."""
    name = path.name
    digests: dict[str, str] = {}
    manifest: dict[str, Any] | None = None
    source = io.BufferedReader(_Source(_frames(path, secret)), buffer_size=1 << 20)
    try:
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for member in tar:
                if not member.isfile():
                    raise refuse(DAMAGED, name)
                stream = tar.extractfile(member)
                assert stream is not None
                if member.name == MANIFEST:
                    if member.size > 16 << 20:
                        raise refuse(DAMAGED, name)
                    manifest = json.loads(stream.read())
                    continue
                target = open_member(member.name)
                if target is None:
                    raise refuse(NOT_A_BACKUP, name)
                digest = hashlib.sha256()
                with target:
                    while block := stream.read(1 << 20):
                        digest.update(block)
                        target.write(block)
                digests[member.name] = digest.hexdigest()
        while source.read(1 << 20):  # to the last frame, so its checks run
            pass
    except (tarfile.TarError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise refuse(DAMAGED, name) from exc
    if not isinstance(manifest, dict):
        raise refuse(NOT_A_BACKUP, name)
    return manifest, digests


def read_manifest(path: Path, secret: bytes | None) -> dict[str, Any]:
    """Only the manifest (the data members are read and thrown away)."""
    manifest, _ = read_archive(path, secret, lambda _name: open(os.devnull, "wb"))  # noqa: SIM115
    return manifest


_LEFTOVER = re.compile(r"^\..+\.(\d+)\.(partial|snapshot|pgdump|loading|[a-z_0-9]+\.jsonl)(-journal)?$")
_SCRATCH = re.compile(r"^\.antt-restore-(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_leftovers(folder: Path) -> list[Path]:
    """Remove the hidden temporary files and folders that a killed backup or restore left in ``folder``
    (their names carry the process id; a process still running keeps its own). They may hold personal
    data, so they are not left lying about."""
    removed = []
    for path in folder.glob(".*"):
        found = _LEFTOVER.match(path.name) or _SCRATCH.match(path.name)
        if found and not _alive(int(found.group(1))):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def atomic_output(path: Path) -> tuple[IO[bytes], Path]:
    """A temporary file beside ``path`` (hidden, same file system) to be renamed onto it when complete."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    return temp.open("xb"), temp


def commit_file(temp: Path, path: Path) -> None:
    """Make ``temp`` durable and rename it onto ``path`` (atomic on POSIX: ``path`` is whole or absent)."""
    with temp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(temp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
