"""A big import validates in a forked child while the parent writes: same results, same guarantees.

Every test forces the forked path on a small file (``PARALLEL_FROM_BYTES`` = 0) and compares it with the
in-process path on the same file.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from antt.domain.people import pseudonymise
from antt.errors import ImportRejected
from antt.services import import_pipeline
from antt.services.imports import ImportSummary, import_incidents
from antt.storage.tables import IncidentChange, IncidentPerson, Person
from tests.incident_files import HONG_BANG, incident, snapshot, write_csv

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def small_chunks(settings):
    return settings.model_copy(update={"import_batch_rows": 3})


def run(database, settings, actor, path: Path, *, forked: bool, monkeypatch, **kw) -> ImportSummary:
    monkeypatch.setattr("antt.services.imports.PARALLEL_FROM_BYTES", 0 if forked else 1 << 62)
    return import_incidents(database, settings, actor, path, now=NOW, **kw)


def rejection(database, settings, actor, path: Path, *, forked: bool, monkeypatch) -> ImportRejected:
    before = snapshot(database)
    with pytest.raises(ImportRejected) as info:
        run(database, settings, actor, path, forked=forked, monkeypatch=monkeypatch)
    assert snapshot(database) == before
    return info.value


def mixed_rows() -> list[dict[str, str]]:
    """Rows that exercise codes, points, persons, warnings and the crosswalk, over several chunks."""
    rows = [incident(n, person_ids=f"0310950{n:05d}") for n in range(1, 12)]
    rows[1].update(unit_code="", lat=str(HONG_BANG[0]), lon=str(HONG_BANG[1]))
    rows[2].update(lat=str(HONG_BANG[0]), lon=str(HONG_BANG[1]))
    rows[3].update(unit_code="11383", lat=str(HONG_BANG[0]), lon=str(HONG_BANG[1]))  # mismatch: a warning
    rows[4].update(unit_code="", lat="20.7", lon="106.81")  # off the coast: nearest unit, a warning
    rows[5].update(occurred_at="05/03/2024 10:00", reported_at="", unit_code="11371")  # an old, split unit
    rows[6].update(note="=SUM(A1)", status="Đã làm rõ", cleared_at="06/03/2026")
    rows[7].update(person_ids="031095000001;031095000002", suspects="1")  # more ids than suspects
    return rows


def test_a_forked_import_stores_what_an_in_process_import_would(
    database, small_chunks, actor, tmp_path, monkeypatch
) -> None:
    path = write_csv(tmp_path / "mixed.csv", mixed_rows())
    expected = run(database, small_chunks, actor, path, forked=False, monkeypatch=monkeypatch, dry_run=True)
    progress: list[int] = []
    summary = run(
        database,
        small_chunks,
        actor,
        path,
        forked=True,
        monkeypatch=monkeypatch,
        progress=lambda done, _total: progress.append(done),
    )
    assert (summary.rows_total, summary.new, summary.persons_new) == (11, 11, expected.persons_new)
    assert summary.assignments == expected.assignments and "approximate" in summary.assignments
    assert summary.warnings == expected.warnings and len(summary.warnings) >= 4
    assert progress == sorted(progress) and progress[-1] == 11
    # the stored values and hashes are those the in-process path computes: re-importing changes nothing
    again = run(database, small_chunks, actor, path, forked=False, monkeypatch=monkeypatch)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 11)


def test_a_forked_reimport_updates_a_changed_row_and_records_the_change(
    database, small_chunks, actor, tmp_path, monkeypatch
) -> None:
    rows = mixed_rows()
    run(
        database,
        small_chunks,
        actor,
        write_csv(tmp_path / "a.csv", rows),
        forked=True,
        monkeypatch=monkeypatch,
    )
    rows[9].update(status="Tạm đình chỉ", person_ids="031095000777")
    summary = run(
        database,
        small_chunks,
        actor,
        write_csv(tmp_path / "b.csv", rows),
        forked=True,
        monkeypatch=monkeypatch,
    )
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 10)
    with database.transaction(write=False) as s:
        (change,) = s.scalars(select(IncidentChange)).all()
        linked = s.execute(
            select(Person.pseudonym)
            .join(IncidentPerson, IncidentPerson.person_id == Person.id)
            .where(IncidentPerson.incident_id == change.incident_id)
        ).scalars()
        assert list(linked) == [
            pseudonymise("031095000777", small_chunks.key_bytes())
        ]  # the old link is gone
    assert change.changes["status"] == ["under_investigation", "suspended"]


def test_a_forked_import_of_a_bad_file_reports_the_same_issues_and_writes_nothing(
    database, small_chunks, actor, tmp_path, monkeypatch
) -> None:
    rows = mixed_rows()
    rows[0]["article"] = "999"  # an error in the first chunk
    rows[10]["occurred_at"] = "31/02/2026"  # and one in the last
    rows.append(incident(3))  # a duplicate source id
    path = write_csv(tmp_path / "bad.csv", rows)
    in_process = rejection(database, small_chunks, actor, path, forked=False, monkeypatch=monkeypatch)
    forked = rejection(database, small_chunks, actor, path, forked=True, monkeypatch=monkeypatch)
    assert forked.issues == in_process.issues
    assert (forked.message_vi, forked.message_en) == (in_process.message_vi, in_process.message_en)
    assert {i.rule for i in forked.errors} == {"article.unknown", "date.format", "source_id.duplicate"}


def test_a_file_error_met_by_the_forked_reader_is_raised_as_in_process(
    database, small_chunks, actor, tmp_path, monkeypatch
) -> None:
    path = write_csv(tmp_path / "broken.csv", mixed_rows())
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write('HP-99999,"05/03/2026 14:30,unclosed quote\r\n' + "x,y\r\n" * 3)
    in_process = rejection(database, small_chunks, actor, path, forked=False, monkeypatch=monkeypatch)
    forked = rejection(database, small_chunks, actor, path, forked=True, monkeypatch=monkeypatch)
    assert type(forked) is type(in_process) and forked.issues == in_process.issues
    assert str(forked) == str(in_process)


def test_a_forked_dry_run_counts_and_writes_nothing(
    database, small_chunks, actor, tmp_path, monkeypatch
) -> None:
    path = write_csv(tmp_path / "dry.csv", mixed_rows())
    before = snapshot(database)
    summary = run(database, small_chunks, actor, path, forked=True, monkeypatch=monkeypatch, dry_run=True)
    assert (summary.dry_run, summary.new, summary.batch_id) == (True, 11, None)
    assert snapshot(database) == before


def test_an_error_in_the_parent_ends_the_child(database, small_chunks, actor, tmp_path, monkeypatch) -> None:
    forks: list[int] = []
    real_fork = import_pipeline.os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    def stop(done: int, _total: int | None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(import_pipeline.os, "fork", fork)
    path = write_csv(tmp_path / "many.csv", [incident(n) for n in range(1, 200)])
    before = snapshot(database)
    with pytest.raises(KeyboardInterrupt):
        run(database, small_chunks, actor, path, forked=True, monkeypatch=monkeypatch, progress=stop)
    assert snapshot(database) == before
    (pid,) = forks
    with pytest.raises(ChildProcessError):  # already reaped by the parent: no zombie, no orphan
        import_pipeline.os.waitpid(pid, 0)


def test_when_no_process_can_be_forked_the_import_validates_in_process(
    database, small_chunks, actor, tmp_path, monkeypatch
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(import_pipeline.os, "fork", no_fork)
    summary = run(
        database,
        small_chunks,
        actor,
        write_csv(tmp_path / "f.csv", mixed_rows()),
        forked=True,
        monkeypatch=monkeypatch,
    )
    assert (summary.rows_total, summary.new) == (11, 11)
