"""The /imports report of a file with many bad rows stays small: the first problems of each rule with the
count of all, and a CSV of every one; staged uploads live in a private folder of this server."""

from __future__ import annotations

import csv
import io
import os
import re
import stat

import pytest

from antt.services import staged_imports
from antt.services.staged_imports import SHOWN_PER_RULE, inherited_folder, stage, staging_dir
from antt.web.app import create_app
from tests.incident_files import incident, write_csv
from tests.web.signed_in import client_as


@pytest.fixture
def client(settings, database):
    with client_as(create_app(settings), database) as c:
        yield c


def upload(client, path):
    with path.open("rb") as fh:
        return client.post(
            "/imports", files={"file": (path.name, fh, "text/csv")}, data={"csrf_token": client.csrf_token}
        )


def test_the_report_shows_the_first_problems_of_each_rule_and_links_them_all(client, tmp_path) -> None:
    rows = [incident(n, unit_code="99999") for n in range(1, 251)]
    response = upload(client, write_csv(tmp_path / "bad.csv", rows))
    assert response.status_code == 422
    page = response.text
    assert len(re.findall(r'<tr class="error">', page)) == SHOWN_PER_RULE
    assert re.search(r'data-rule="unit.unknown">250<', page)
    link = re.search(r'href="(/imports/issues/[0-9a-f]{32}\.csv)"', page).group(1)
    listed = client.get(link)
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert len(table) == 250 and {r["rule"] for r in table} == {"unit.unknown"}
    assert sorted(int(r["row"]) for r in table) == list(range(2, 252))


def test_the_list_of_problems_is_only_for_whoever_uploaded_it(settings, database, client, tmp_path) -> None:
    page = upload(client, write_csv(tmp_path / "bad.csv", [incident(1, unit_code="99999")])).text
    link = re.search(r'href="(/imports/issues/[0-9a-f]{32}\.csv)"', page).group(1)
    with client_as(create_app(settings), database, role="leader") as leader:
        assert leader.get(link).status_code == 403
    with client_as(create_app(settings), database, subject="another-analyst") as other:
        stolen = other.get(link)  # another importer: there is no such list for them
        assert stolen.status_code == 404 and "99999" not in stolen.text
    assert client.get(link).status_code == 200
    assert client.get("/imports/issues/" + "0" * 32 + ".csv").status_code == 404
    assert client.get("/imports/issues/..%2F..%2Fetc%2Fpasswd.csv").status_code == 404


def test_staged_uploads_are_private_to_this_server(tmp_path) -> None:
    folder = staging_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert folder.name.startswith("antt-uploads-") and folder.name != f"antt-uploads-{os.getuid()}"
    staged = stage(io.BytesIO(b"source_id\r\nHP-1\r\n"), "tuan.csv", 1 << 20)
    for path in folder.glob(f"{staged.token}*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_workers_share_the_folder_their_server_made(monkeypatch) -> None:
    with staged_imports.shared_staging() as folder:
        monkeypatch.setattr(staged_imports, "_folder", None)
        assert staging_dir() == folder
        monkeypatch.setattr(staged_imports, "_folder", None)
    assert not folder.exists()  # removed when the server stops


def test_a_folder_others_may_enter_is_not_used(tmp_path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    assert inherited_folder(shared) is None
    shared.chmod(0o700)
    assert inherited_folder(shared) == shared
    link = tmp_path / "link"
    link.symlink_to(shared)
    assert inherited_folder(link) is None
