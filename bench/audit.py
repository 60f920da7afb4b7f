"""Benchmark: the audit chain at 1,000,000 records — incremental vs full verification, and the auditor's page.

Builds a database at the newest schema, bulk-inserts ``--records`` audit records (a correctly keyed chain,
computed here and inserted in batches: the point is to measure checking, not appending), then times:

* the first check (no verified position yet: it walks every record and remembers where it ended);
* ``view_audit`` — what ``/audit`` does on every view: incremental check, the last 7 days (at most 1,000
  records) and one ``audit.read`` record; aim ≤ 1 s;
* ``verify_audit`` incrementally (what ``antt audit verify`` does) after 100 new records;
* ``verify_audit(full=True)`` (``antt audit verify --full``) — the baseline;

and prints each figure, the full/incremental ratio, and the peak resident memory of the process.

    .venv/bin/python bench/audit.py [--records 1000000] [--pg-url postgresql+psycopg://…/antt_bench]

Without ``--pg-url`` it runs on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from antt.domain.access import Actor, Grant, Role  # noqa: E402
from antt.services.audit_log import verify_audit, view_audit  # noqa: E402
from antt.services.database import open_database, upgrade  # noqa: E402
from antt.settings import AUDIT_CHAIN_KEY, load_settings  # noqa: E402
from antt.storage import audit  # noqa: E402
from antt.storage.tables import AuditRecord  # noqa: E402

KEY = "bench-audit-key-0123456789abcdef-not-for-production"
AUDITOR = Actor.for_user("user:1", [Grant.city(Role.AUDITOR)], user_id=1)
BATCH = 20_000
T = TypeVar("T")


def timed(label: str, call: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds * 1000:>10,.0f} ms", flush=True)
    return result, seconds


def build(database, records: int) -> None:
    """``records`` keyed records over the last year, inserted in batches of :data:`BATCH`."""
    key = database.settings.derived_key(AUDIT_CHAIN_KEY)
    rng = random.Random(17)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    start = now - timedelta(days=365)
    step = timedelta(days=365) / records
    actions = ["auth.sign_in", "user.grant", "import.incidents", "report.export", "access.denied"]
    prev = audit.GENESIS
    batch: list[dict[str, object]] = []
    insert = AuditRecord.__table__.insert()
    with database.engine.begin() as conn:
        for n in range(records):
            at = start + step * n
            actor, action = f"user:{rng.randrange(500)}", actions[n % len(actions)]
            client, outcome, details = f"10.0.{n % 250}.{n % 7}", "success", {"n": n}
            data = audit.payload(prev, at, actor, action, "", client, outcome, details)
            digest = audit.keyed_digest(key, data)
            batch.append(
                {
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "object": "",
                    "client": client,
                    "outcome": outcome,
                    "details": details,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
            if len(batch) == BATCH:
                conn.execute(insert, batch)
                batch.clear()
        if batch:
            conn.execute(insert, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="antt-bench-audit-") as tmp:
        url = args.pg_url or f"sqlite:///{Path(tmp) / 'audit.db'}"
        settings = load_settings(
            database_url=url, pseudonym_key=KEY, audit_checkpoint_file=Path(tmp) / "checkpoints.jsonl"
        )
        database = open_database(settings)
        if args.pg_url:
            with database.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        print(f"audit chain benchmark: {args.records:,} records on {database.engine.dialect.name}")
        timed("schema (antt db upgrade)", lambda: upgrade(database))
        timed(f"bulk insert of {args.records:,} keyed records", lambda: build(database, args.records))
        if args.pg_url:
            with database.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text("VACUUM ANALYZE audit_log"))

        first, _ = timed(
            "first check (no verified position: walks everything)",
            lambda: verify_audit(database, AUDITOR, audited=False),
        )
        assert first.ok and first.records == args.records, first
        today = date.today()
        views = []
        for n in range(5):
            view, seconds = timed(
                f"/audit view {n + 1} (incremental, 7 days, one record)",
                lambda: view_audit(database, AUDITOR, today - timedelta(days=6), today),
            )
            assert view.chain.ok
            views.append(seconds)
        with database.transaction() as session:
            for n in range(100):
                audit.append(
                    session, actor="bench", action="bench.append", outcome="success", details={"n": n}
                )
        incremental, inc_seconds = timed(
            "antt audit verify (incremental, 100 new)", lambda: verify_audit(database, AUDITOR)
        )
        assert incremental.ok and not incremental.full and incremental.walked == 100 + 1, incremental
        full, full_seconds = timed(
            "antt audit verify --full", lambda: verify_audit(database, AUDITOR, full=True)
        )
        assert full.ok and full.full and full.walked == full.records, full
        database.dispose()

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  /audit view: median {sorted(views)[len(views) // 2] * 1000:,.0f} ms, worst {max(views) * 1000:,.0f} ms"
        f" (aim ≤ 1,000 ms)"
    )
    print(f"  full / incremental verify: {full_seconds / inc_seconds:,.0f}×")
    print(f"  peak resident memory of this process: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
