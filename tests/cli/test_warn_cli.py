"""``antt warn backtest`` and ``antt warn inject`` on an arbitrary events file: the exact JSON contract,
the evaluation against injected rises with the naive baselines, and bad input (bilingual, exit 2,
nothing written)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from antt.cli.main import main
from tests.cli.test_cli import antt

START = date(2021, 1, 4)  # a Monday
RISE_WEEK = 3 * 52 + 10


def write_events(path: Path, *, weeks: int = 3 * 52 + 20, seed: int = 5) -> None:
    """Four series of weekly Poisson counts; district D1 × theft triples in weeks RISE_WEEK..+2. Times
    in several spellings: naive local, with an offset, in UTC."""
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["when", "district", "crime", "other"])
        for unit in ("D1", "D2"):
            for crime, mean in (("theft", 6.0), ("assault", 3.0)):
                for w in range(weeks):
                    rise = unit == "D1" and crime == "theft" and RISE_WEEK <= w < RISE_WEEK + 3
                    for _ in range(rng.poisson(mean * (3 if rise else 1))):
                        moment = datetime.combine(
                            START + timedelta(weeks=w), datetime.min.time()
                        ) + timedelta(minutes=int(rng.integers(60, 7 * 1440 - 60)))
                        text = (
                            moment.isoformat(sep=" ")
                            if w % 3
                            else (moment - timedelta(hours=7)).isoformat() + "Z"
                            if w % 2
                            else moment.isoformat() + "+07:00"
                        )
                        out.writerow([text, unit, crime, "x"])


COLUMNS = (
    "--time-col",
    "when",
    "--unit-col",
    "district",
    "--category-col",
    "crime",
    "--tz",
    "Asia/Ho_Chi_Minh",
)


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warn") / "events.csv"
    write_events(path)
    return path


@pytest.mark.slow  # a run of the command with every method
def test_backtest_writes_one_alert_per_alarming_series_week_with_the_exact_keys(
    events, tmp_path, cli_env
) -> None:
    out = tmp_path / "alerts.json"
    judged_from = START + timedelta(weeks=3 * 52)
    proc = antt(
        cli_env,
        "warn",
        "backtest",
        "--events",
        str(events),
        *COLUMNS,
        "--from",
        judged_from.isoformat(),
        "--to",
        (START + timedelta(weeks=3 * 52 + 19)).isoformat(),
        "--method",
        "all",
        "--out",
        str(out),
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert list(document) == ["alerts"]
    alerts = document["alerts"]
    keys = ["unit", "category", "week_start", "observed", "expected", "threshold", "score", "method"]
    assert alerts and all(list(a) == keys for a in alerts)
    assert all(date.fromisoformat(a["week_start"]).weekday() == 0 for a in alerts)  # Mondays
    assert all(a["week_start"] >= judged_from.isoformat() for a in alerts)
    assert all(a["observed"] > a["threshold"] for a in alerts if a["threshold"] is not None)
    assert len({(a["unit"], a["category"], a["week_start"], a["method"]) for a in alerts}) == len(alerts)
    rise = (START + timedelta(weeks=RISE_WEEK)).isoformat()
    caught = {
        a["method"] for a in alerts if (a["unit"], a["category"], a["week_start"]) == ("D1", "theft", rise)
    }
    assert {"noufaily", "farrington"} <= caught  # the tripling is caught in its first week
    assert "alerts" in proc.stdout


@pytest.mark.slow  # two runs of the command
def test_inject_then_backtest_with_truth_reports_each_method_and_the_naive_baselines(
    events, tmp_path, cli_env
) -> None:
    injected, truth, out, report = (tmp_path / n for n in ("inj.csv", "truth.json", "a.json", "r.json"))
    span = (
        "--from",
        (START + timedelta(weeks=3 * 52)).isoformat(),
        "--to",
        (START + timedelta(weeks=3 * 52 + 19)).isoformat(),
    )
    antt(
        cli_env,
        "warn",
        "inject",
        "--events",
        str(events),
        *COLUMNS,
        *span,
        "--factor",
        "3",
        "--weeks",
        "3",
        "--rises",
        "2",
        "--seed",
        "4",
        "--out",
        str(injected),
        "--truth-out",
        str(truth),
    )
    rises = json.loads(truth.read_text(encoding="utf-8"))["injections"]
    assert len(rises) == 2
    with open(injected, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sum(r["injected"] == "1" for r in rows) == sum(sum(r["added"]) for r in rises)
    antt(
        cli_env,
        "warn",
        "backtest",
        "--events",
        str(injected),
        *COLUMNS,
        *span,
        "--method",
        "noufaily",
        "--out",
        str(out),
        "--truth",
        str(truth),
        "--report",
        str(report),
    )
    evaluation = {e["method"]: e for e in json.loads(report.read_text(encoding="utf-8"))["evaluation"]}
    assert {"noufaily", "naive_last_year", "poisson_z", "ears_c2"} <= set(evaluation)
    assert all(e["rises"] == 2 for e in evaluation.values())
    assert evaluation["noufaily"]["detected_any"] > 0


def run_in_process(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """``antt ARGS`` through the same ``main()`` as the installed command (exit code and stderr), without
    the start-up of a new interpreter."""
    monkeypatch.setattr("sys.argv", ["antt", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    return int(exited.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"--time-col": "time"}, "lacks the column"),
        ({"--method": "magic"}, "Unknown detection method"),
        ({"--from": "2022-01-03"}, "two years of history"),
        ({"--tz": "Mars/Olympus"}, "Unknown time zone"),
        ({"--to": "2024-31-12"}, "Invalid date"),
    ],
)
def test_bad_input_is_one_bilingual_error_exit_2_and_nothing_written(
    events, tmp_path, monkeypatch, capsys, change, words
) -> None:
    options = dict(zip(COLUMNS[::2], COLUMNS[1::2], strict=True))
    options |= {"--from": "2024-01-01", "--to": "2024-05-01", "--method": "default"}
    options |= change
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "alerts.json"
    args = [x for kv in options.items() for x in kv]
    code, stderr = run_in_process(
        monkeypatch, capsys, "warn", "backtest", "--events", str(events), *args, "--out", str(out)
    )
    assert code == 2, stderr
    assert words in stderr and " / " in stderr
    assert not list(folder.iterdir())


def test_unparseable_times_name_the_rows(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("when,district,crime\n2024-01-01 10:00,D1,theft\nhôm qua,D1,theft\n", encoding="utf-8")
    out = tmp_path / "alerts.json"
    code, stderr = run_in_process(
        monkeypatch,
        capsys,
        "warn",
        "backtest",
        "--events",
        str(path),
        *COLUMNS,
        "--from",
        "2024-01-01",
        "--to",
        "2024-02-01",
        "--out",
        str(out),
    )
    assert code == 2 and "row 3" in stderr and "thời gian" in stderr
    assert not out.exists()


def test_times_are_read_as_instants_whatever_the_offset_spelling_and_bare_dates_as_local_days() -> None:
    """ISO 8601 offsets Z, ±hh:mm, ±hhmm and ±hh (PostgreSQL writes "+00") mark instants, converted to the
    local day; a bare date (ending in "-01", which is no offset) is a local day as it is."""
    from zoneinfo import ZoneInfo

    import pandas as pd

    from antt.services.warn_backtest import local_days

    toronto = ZoneInfo("America/Toronto")  # UTC−5 in March
    values = {
        "2014/03/02 05:00:00+00": "2014-03-02",  # 00:00 in Toronto
        "2014-03-02T04:30:00+00": "2014-03-01",  # 23:30 the evening before
        "2014-03-02T04:30:00+0000": "2014-03-01",
        "2014-03-02T04:30:00Z": "2014-03-01",
        "2014-03-02T04:30:00.250+07:00": "2014-03-01",  # 16:30 the day before
        "2014-03-02T04:30:00-05": "2014-03-02",
        "2014-03-02 23:30": "2014-03-02",  # no offset: local already
        "2014-03-01": "2014-03-01",
    }
    days = local_days(pd.Series(list(values)), toronto, Path("events.csv"), "time")
    assert [str(d) for d in days] == list(values.values())
