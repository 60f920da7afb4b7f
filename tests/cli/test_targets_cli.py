"""``antt targets set | list | retire`` as an operator runs them: a real subprocess on the test database,
every change versioned and audited under the operator's name."""

from __future__ import annotations

import getpass
import json

import pytest

from tests.cli.test_cli import antt
from tests.user_fixtures import audit_records

CLI_ACTOR = f"cli:{getpass.getuser()}"
CRIME = "social-order-crime-reduction"
DOCUMENT = (
    "--document-number",
    "15/KH-UBND",
    "--document-date",
    "2026-01-10",
    "--issuer",
    "Ủy ban nhân dân thành phố Hải Phòng",
    "--wording",
    "Kéo giảm ít nhất 7% số vụ phạm tội về trật tự xã hội so với năm 2025",
    "--document-title",
    "Kế hoạch phòng, chống tội phạm năm 2026",
)


def listed(cli_env) -> dict[str, dict]:
    return {
        t["id"]: t for t in json.loads(antt(cli_env, "targets", "list", "--format", "json").stdout)["targets"]
    }


@pytest.mark.slow  # eight runs of the command
def test_set_list_and_retire_round_trip_with_versions_and_audit_records(cli_env, database) -> None:
    before = listed(cli_env)
    assert before[CRIME]["source_status"] == "none" and before[CRIME]["origin"] == "default"

    out = antt(cli_env, "targets", "set", CRIME, "--max-ratio", "0.93", *DOCUMENT).stdout
    assert "version 1" in out and "Kế hoạch số 15/KH-UBND ngày 10/01/2026" in out
    assert "không vượt quá 93 % cùng kỳ năm trước" in out
    crime = listed(cli_env)[CRIME]
    assert (crime["origin"], crime["version"], crime["source_status"]) == ("city", 1, "document")
    assert crime["rule"]["max_ratio"] == 0.93 and crime["document"]["number"] == "15/KH-UBND"

    out = antt(cli_env, "targets", "set", CRIME, "--max-ratio", "0.9", *DOCUMENT).stdout
    assert "version 2" in out and listed(cli_env)[CRIME]["rule"]["max_ratio"] == 0.9

    out = antt(cli_env, "targets", "retire", CRIME, "--reason", "thay thế").stdout
    assert "retired" in out and "version 3" in out
    assert CRIME not in listed(cli_env)

    history = json.loads(antt(cli_env, "targets", "list", "--history", "--format", "json").stdout)["history"]
    assert [(h["target"], h["version"], h["action"], h["recorded_by"]) for h in history] == [
        (CRIME, 1, "set", CLI_ACTOR),
        (CRIME, 2, "set", CLI_ACTOR),
        (CRIME, 3, "retire", CLI_ACTOR),
    ]
    records = audit_records(database)
    assert [(r.action, r.outcome, r.actor, r.target) for r in records] == [
        ("target.set", "success", CLI_ACTOR, f"target:{CRIME}"),
        ("target.set", "success", CLI_ACTOR, f"target:{CRIME}"),
        ("target.retire", "success", CLI_ACTOR, f"target:{CRIME}"),
    ]
    assert [r.details["version"] for r in records] == [1, 2, 3]
    antt(cli_env, "audit", "verify")  # the chain holds


@pytest.mark.slow
def test_set_needs_the_document_or_an_explicit_no_document(cli_env, database) -> None:
    refused = antt(cli_env, "targets", "set", CRIME, "--max-ratio", "0.9", check=False)
    assert refused.returncode != 0 and "document" in refused.stderr
    partial = antt(cli_env, "targets", "set", CRIME, "--document-number", "15/KH-UBND", check=False)
    assert partial.returncode != 0 and "--issuer" in partial.stderr
    assert audit_records(database) == [] and listed(cli_env)[CRIME]["origin"] == "default"

    out = antt(cli_env, "targets", "set", CRIME, "--max-ratio", "0.9", "--no-document").stdout
    assert "chưa có văn bản" in out
    status = json.loads(antt(cli_env, "targets", "status", "--format", "json").stdout)["targets"]
    crime = next(t for t in status if t["id"] == CRIME)
    assert crime["source_status"] == "none" and crime["source_label"] == "chưa có văn bản"
    assert crime["origin"] == "city" and crime["rule"] == "không vượt quá 90 % cùng kỳ năm trước"
