"""No clear personal id anywhere: after the legacy accounts are imported (a bad file through the web, a good
one through the web and the command line), people sign in and take their accounts over, and every page,
report and export about them is produced, a grep of the database (its files on SQLite, every row of
every table on either database), the logs (SQL statements with their parameters included), the pages, the
command output and the upload folder finds none of the fixture's personal id numbers."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from typer.testing import CliRunner

from antt.cli.main import app as cli_app
from antt.domain.people import pseudonymise
from antt.errors import SignInFailed
from antt.services.staged_imports import staging_dir
from antt.services.users import sign_in
from antt.web.app import create_app
from tests.conftest import PG_URL, TEST_KEY
from tests.legacy_files import AN_ID, BAD_ROWS, CLEAR_IDS, GOOD_ROWS, LAN_ID, TWIN_ID, write_legacy_csv
from tests.user_fixtures import T0, identity
from tests.web.signed_in import client_as


def _upload(client, path: Path) -> str:
    with path.open("rb") as fh:
        response = client.post(
            "/admin/users/legacy",
            files={"file": (path.name, fh, "text/csv")},
            data={"csrf_token": client.csrf_token},
        )
    return response.text


def _every_row(database) -> str:
    """Every value of every table, as text."""
    metadata = MetaData()
    metadata.reflect(database.engine)
    out = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            out += [repr(tuple(row)) for row in connection.execute(select(table))]
    return "\n".join(out)


def _leaks(text: str) -> list[str]:
    return [clear for clear in CLEAR_IDS if clear in text]


def test_no_clear_personal_id_reaches_the_database_the_logs_the_pages_or_the_output(
    database, settings, database_url, cli_env, tmp_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement with its parameters
    seen: list[str] = []
    app = create_app(settings)
    with client_as(app, database, "administrator", subject="the-admin") as admin:
        seen.append(_upload(admin, write_legacy_csv(tmp_path / "bad.csv", BAD_ROWS)))
        checked = _upload(admin, write_legacy_csv(tmp_path / "good.csv", GOOD_ROWS))
        seen.append(checked)
        token = re.search(r'name="token" value="([0-9a-f]{32})"', checked).group(1)
        sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', checked).group(1)
        confirm = {"csrf_token": admin.csrf_token, "token": token, "sha256": sha}
        seen.append(admin.post("/admin/users/legacy/confirm", data=confirm).text)

        sign_in(database, settings, identity("eid-an", personal_id=AN_ID), "", T0)  # takes its account over
        sign_in(database, settings, identity("eid-lan", personal_id=LAN_ID), "", T0)
        with pytest.raises(SignInFailed):  # two accounts, one id: refused for review
            sign_in(database, settings, identity("eid-duc", personal_id=TWIN_ID), "", T0)

        seen.append(admin.get("/admin/users").text)
        seen.append(admin.get("/audit", params={"from": "2026-11-01", "to": "2026-12-31"}).text)
        admin.cookies.set("antt_lang", "en")
        seen.append(admin.get("/admin/users").text)
        assert "nva.lechan" in seen[-1]  # the pages were about these people

    runner = CliRunner()
    for args in (
        ["users", "import-legacy", str(write_legacy_csv(tmp_path / "again.csv", GOOD_ROWS)), "--json"],
        ["users", "import-legacy", str(tmp_path / "again.csv")],
        ["users", "legacy-report", "--format", "json"],
        ["users", "legacy-report", "--format", "csv"],
        ["users", "legacy-report"],
        ["users", "list", "--format", "json"],
        ["audit", "export", "--from", "2020-01-01", "--to", "2099-12-31", "--format", "json"],
    ):
        result = runner.invoke(cli_app, args, env=cli_env)
        assert result.exit_code == 0, (args, result.output)
        seen.append(result.output)
    assert json.loads(seen[-5])["eid_share"]["legacy_linked"] == 2

    rows = _every_row(database)
    assert pseudonymise(AN_ID, TEST_KEY.encode()) in rows  # the ids are there, pseudonymised
    assert _leaks(rows) == []

    logged = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    assert "INSERT INTO users" in logged  # the statements, with their parameters, were logged
    assert _leaks(logged) == []

    for text in seen:
        assert _leaks(text) == []

    for file in staging_dir().iterdir():  # uploads are removed once imported or refused
        assert _leaks(file.read_bytes().decode("utf-8", "ignore")) == []

    if not PG_URL:
        database.dispose()
        folder = Path(database_url.removeprefix("sqlite:///")).parent
        files = sorted(folder.glob("antt.db*"))
        assert files
        content = b"".join(f.read_bytes() for f in files)
        assert b"nva.lechan" in content
        assert [clear for clear in CLEAR_IDS if clear.encode() in content] == []
