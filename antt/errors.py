"""One exception hierarchy for ANTT.

Every error carries a message in Vietnamese and in English. Errors about input data also carry the list
of every :class:`Issue` found (file, row, column, value, rule), so a user can fix a whole file at once.
Each edge translates these once: the CLI prints one line and exits non-zero, the web layer returns one
JSON envelope or one HTML error page.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in input: where it is, what value, which rule, and what it means.

    ``row`` is the spreadsheet row number a user sees (the header is row 1), or ``None`` for a problem
    with the whole file (encoding, missing column).
    """

    rule: str
    message_vi: str
    message_en: str
    severity: Severity = Severity.ERROR
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        parts = [p for p in (self.file, f"row {self.row}" if self.row else None, self.column) if p]
        return ", ".join(parts)

    def describe(self) -> str:
        """A one-line bilingual description: ``file, row 7, occurred_at: 'x' — vi / en [rule]``."""
        where = self.location()
        value = f" {self.value!r}" if self.value is not None else ""
        head = f"{where}:{value} — " if where or value else ""
        return f"{head}{self.message_vi} / {self.message_en} [{self.rule}]"


class AnttError(Exception):
    """Base of every error ANTT raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message_vi: str, message_en: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        super().__init__(f"{self.message_vi} / {self.message_en}" if message_en else message_vi)


class SettingsError(AnttError):
    """The configuration is missing something or is unsafe."""

    exit_code = 78  # EX_CONFIG


class NotFound(AnttError):
    exit_code = 3
    http_status = 404


class PermissionDenied(AnttError):
    exit_code = 4
    http_status = 403


class NotSignedIn(AnttError):
    """The request needs a signed-in user and has none (no session, or it ended)."""

    exit_code = 4
    http_status = 401


class Conflict(AnttError):
    exit_code = 5
    http_status = 409


class DiskFull(AnttError):
    """The disk (or the database server's) ran out of space; whatever was being written was undone."""

    exit_code = 74  # EX_IOERR
    http_status = 507

    def __init__(
        self,
        message_vi: str = "Đĩa đầy: không ghi được, thao tác đã được huỷ và không có gì thay đổi. Hãy giải "
        "phóng dung lượng rồi thử lại.",
        message_en: str = "The disk is full: nothing could be written, the operation was undone and nothing "
        "changed. Free some space and try again.",
    ) -> None:
        super().__init__(message_vi, message_en)

    @staticmethod
    def caused(exc: BaseException) -> bool:
        """Whether ``exc`` (or what it wraps) is a full disk: ``ENOSPC``/``EDQUOT``, SQLite's
        ``SQLITE_FULL`` ("database or disk is full"), PostgreSQL's ``disk_full`` (53100), or a tool that
        said "No space left on device"."""
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
                return True
            text = str(current)
            if "database or disk is full" in text or "No space left on device" in text:
                return True
            if (
                getattr(current, "sqlite_errorcode", None) == 13
                or getattr(current, "sqlstate", None) == "53100"
            ):
                return True
            current = getattr(current, "orig", None) or current.__cause__ or current.__context__
        return False


class SignInFailed(AnttError):
    """Signing in through the identity provider failed; nobody is signed in.

    ``reason`` is a machine code (``bad_state``, ``nonce_mismatch``, ``wrong_audience``, ``expired`` …) for
    the audit record and the tests; ``detail`` says more for the log (never shown to the user, never a
    token or a personal identifier).
    """

    exit_code = 6
    http_status = 401

    def __init__(self, reason: str, message_vi: str, message_en: str, detail: str | None = None) -> None:
        super().__init__(message_vi, message_en)
        self.reason = reason
        self.detail = detail


class InvalidInput(AnttError):
    """Input that does not follow the rules; ``issues`` lists every problem found, warnings included."""

    exit_code = 2
    http_status = 422

    def __init__(self, message_vi: str, message_en: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message_vi, message_en)
        self.issues: list[Issue] = list(issues or [])

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


def every_problem(*steps: Callable[[], Any]) -> list[Any]:
    """The results of ``steps``, each run even after one has failed: a command line or a form with three
    mistakes gets one :class:`InvalidInput` naming all three, not the first alone."""
    results: list[Any] = []
    problems: list[InvalidInput] = []
    for step in steps:
        try:
            results.append(step())
        except InvalidInput as problem:
            problems.append(problem)
            results.append(None)
    if problems:
        raise InvalidInput(
            " ".join(p.message_vi for p in problems),
            " ".join(p.message_en for p in problems),
            [issue for p in problems for issue in p.issues],
        )
    return results


class ImportRejected(InvalidInput):
    """A file failed validation; nothing was written.

    ``issues`` may hold only the first few issues of each rule (a hostile file can break one on every
    row); ``counts_by_rule`` counts them all, and ``truncated`` says whether some were only counted.
    """

    def __init__(
        self,
        message_vi: str,
        message_en: str,
        issues: list[Issue] | None = None,
        counts_by_rule: dict[str, int] | None = None,
    ) -> None:
        super().__init__(message_vi, message_en, issues)
        counted: dict[str, int] = {}
        for issue in self.issues:
            counted[issue.rule] = counted.get(issue.rule, 0) + 1
        self.counts_by_rule: dict[str, int] = dict(counts_by_rule) if counts_by_rule else counted

    @property
    def truncated(self) -> bool:
        return sum(self.counts_by_rule.values()) > len(self.issues)


@dataclass
class IssueList:
    """Collects issues while a file is read; keeps errors and warnings in reading order."""

    file: str | None = None
    items: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.items.append(issue)

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.items if i.is_error)

    @property
    def warning_count(self) -> int:
        return len(self.items) - self.error_count
