"""``antt networks groups|alerts`` as a user runs them: the exact JSON contract, and bad input refused in
both languages with exit 2 and nothing written."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import antt
from tests.incident_files import snapshot, write_csv
from tests.services.test_networks import gang_rows, pid


@pytest.fixture
def loaded_env(cli_env, tmp_path):
    antt(cli_env, "import", "incidents", str(write_csv(tmp_path / "gang.csv", gang_rows())))
    return cli_env


def test_groups_prints_the_exact_json_contract_ranked_by_score(loaded_env) -> None:
    out = antt(
        loaded_env, "networks", "groups", "--from", "2026-01-01", "--to", "2026-04-01", "--format", "json"
    )
    doc = json.loads(out.stdout)
    assert list(doc) == ["groups"]
    (group,) = doc["groups"]
    assert list(group) == ["id", "members", "incidents", "communes", "first", "last", "score"]
    assert group["members"] == 3 and group["incidents"] == [f"HP-{n:05d}" for n in range(1, 7)]
    assert group["communes"] == ["11311", "11383"]
    assert (group["first"], group["last"]) == ("2026-01-05", "2026-03-21")
    assert isinstance(group["score"], float) and group["id"].startswith("g")
    for k in (1, 2, 3):
        assert pid(k) not in out.stdout + out.stderr


@pytest.mark.slow
def test_a_quiet_period_is_an_empty_list_and_the_table_counts_the_groups(loaded_env) -> None:
    quiet = antt(
        loaded_env, "networks", "groups", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "json"
    )
    assert json.loads(quiet.stdout) == {"groups": []}
    table = antt(loaded_env, "networks", "groups", "--from", "2026-01-01", "--to", "2026-04-01")
    assert "co-offending groups: 1" in table.stdout


@pytest.mark.slow
def test_alerts_print_json_with_their_explanations(loaded_env) -> None:
    out = antt(loaded_env, "networks", "alerts", "--as-of", "2026-04-01", "--days", "120", "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["as_of"] == "2026-04-01"
    kinds = {a["kind"] for a in doc["alerts"]}
    assert {"incidents", "new_commune"} <= kinds
    assert all(a["explanation_vi"] and a["explanation_en"] for a in doc["alerts"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["groups", "--min-members", "1"], "at least 2"),
        (["groups", "--bogus"], "No such option"),
        pytest.param(["groups", "--min-members", "0"], "at least 2", marks=pytest.mark.slow),
        pytest.param(["groups", "--format", "xml"], "--format", marks=pytest.mark.slow),
        pytest.param(
            ["groups", "--from", "2026-02-30", "--to", "2026-03-01"], "2026-02-30", marks=pytest.mark.slow
        ),
        pytest.param(
            ["groups", "--from", "2026-03-01", "--to", "2026-01-01"], "after", marks=pytest.mark.slow
        ),
        pytest.param(["alerts", "--as-of", "yesterday"], "yesterday", marks=pytest.mark.slow),
        pytest.param(["alerts", "--unknown"], "No such option", marks=pytest.mark.slow),
    ],
)
def test_bad_input_is_one_bilingual_line_exit_2_and_nothing_written(
    loaded_env, database, args, words
) -> None:
    before = snapshot(database)
    proc = antt(loaded_env, "networks", *args, check=False)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert len(line.splitlines()) == 1 and " / " in line and words in line
    assert proc.stdout == ""
    assert snapshot(database) == before
