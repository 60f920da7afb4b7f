"""The issues of one validation, in bounded memory: the first few of each rule, and a count of them all.

A hostile file can break a rule on every one of its million rows; keeping each issue made 7 MB of bad
rows cost 1.4 GB and a 215 MB error page. :class:`IssueLog` is the list a validator appends to: it keeps
the first :data:`KEEP_PER_RULE` issues of each rule (what a person reads first) and counts the rest, by
rule and severity. A validation that must hand over *every* issue (the web's "download all problems")
writes them to an :class:`IssueCsv` as they come, through :func:`collecting_issues`; that file, not
memory, holds the full list.

The sink sees the issues appended in the process that created the log. The web validates in its own
process (a worker thread never forks); a validation forked into a second process (the command line's big
files) hands over only what it kept, with its counts (:meth:`IssueLog.tally` / :meth:`IssueLog.take_over`).
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, SupportsIndex

from antt.errors import Issue

KEEP_PER_RULE = 20
CSV_COLUMNS = ("row", "column", "value", "rule", "severity", "message_vi", "message_en", "file")
MAX_CSV_VALUE = 500  # characters of a cell's value written to the list (a hostile cell can be 100 KB)


class IssueCsv:
    """Every issue of a validation, one CSV line each (UTF-8 with BOM: Excel opens it as Vietnamese),
    in a new file readable by this user only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(CSV_COLUMNS)
        self.count = 0

    def write(self, issue: Issue) -> None:
        value = (
            issue.value
            if issue.value is None or len(issue.value) <= MAX_CSV_VALUE
            else issue.value[:MAX_CSV_VALUE] + "…"
        )
        self._writer.writerow(
            (
                issue.row or "",
                issue.column or "",
                _spreadsheet_safe(value or ""),
                issue.rule,
                issue.severity.value,
                issue.message_vi,
                issue.message_en,
                issue.file or "",
            )
        )
        self.count += 1

    def close(self) -> None:
        self._file.close()


def _spreadsheet_safe(text: str) -> str:
    """A value that a spreadsheet will show, never run: a leading ``= + - @`` gets a quote before it."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


_SINK: ContextVar[IssueCsv | None] = ContextVar("antt_issue_sink", default=None)


@contextmanager
def collecting_issues(path: Path) -> Iterator[IssueCsv]:
    """Every :class:`IssueLog` created inside the block also writes each of its issues to ``path``."""
    sink = IssueCsv(path)
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)
        sink.close()


class IssueLog(list[Issue]):
    """A list of issues that keeps the first :data:`KEEP_PER_RULE` of each rule and counts the others.

    Everything that reads a list of issues reads it unchanged (the kept issues, in order);
    :meth:`counts_by_rule` and :attr:`total` include the issues that were only counted.
    """

    def __init__(self, issues: Iterable[Issue] = (), *, keep_per_rule: int = KEEP_PER_RULE) -> None:
        super().__init__()
        self.keep_per_rule = keep_per_rule
        self.dropped: Counter[str] = Counter()
        self.dropped_errors = 0
        self._kept: Counter[str] = Counter()
        self._sink = _SINK.get()
        self._pid = os.getpid()
        self.extend(issues)

    def append(self, issue: Issue) -> None:
        if self._sink is not None and os.getpid() == self._pid:
            self._sink.write(issue)
        if self._kept[issue.rule] < self.keep_per_rule:
            self._kept[issue.rule] += 1
            super().append(issue)
        else:
            self.dropped[issue.rule] += 1
            if issue.is_error:
                self.dropped_errors += 1

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.append(issue)

    def __setitem__(self, index: Any, value: Any) -> None:
        """``log[:0] = warnings`` puts issues first: they are kept (a file has a handful) and written."""
        if isinstance(index, slice) and self._sink is not None and os.getpid() == self._pid:
            value = list(value)
            for issue in value:
                self._sink.write(issue)
        super().__setitem__(index, value)

    def insert(self, index: SupportsIndex, issue: Issue) -> None:
        self[index:index] = [issue]

    # --- what was counted ----------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self) + sum(self.dropped.values())

    @property
    def error_total(self) -> int:
        return sum(1 for i in self if i.is_error) + self.dropped_errors

    def counts_by_rule(self) -> dict[str, int]:
        counts = Counter(i.rule for i in self)
        counts.update(self.dropped)
        return dict(counts)

    def tally(self) -> tuple[dict[str, int], int]:
        """What was only counted, to hand to the log that stands for this one in another process."""
        return dict(self.dropped), self.dropped_errors

    def take_over(self, tally: tuple[dict[str, int], int]) -> None:
        """Take over the counts of the same validation running in another process (see the module)."""
        dropped, dropped_errors = tally
        self.dropped = Counter(dropped)
        self.dropped_errors = dropped_errors


def counts_by_rule(issues: list[Issue]) -> dict[str, int]:
    """Every issue of ``issues`` by rule: counted ones included when it is an :class:`IssueLog`."""
    if isinstance(issues, IssueLog):
        return issues.counts_by_rule()
    return dict(Counter(i.rule for i in issues))
