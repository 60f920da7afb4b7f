"""Request bodies are limited before anything parses them, and an upload is read only once its sender may
import (issue 17: an anonymous 4 GB ``POST /language`` used to spool 4 GB to disk)."""

from __future__ import annotations

import asyncio

import pytest

from antt.web.app import create_app
from antt.web.limits import FORM_LIMIT
from antt.web.session import SESSION_COOKIE
from tests.incident_files import incident, write_csv
from tests.web.signed_in import client_as


@pytest.fixture
def small_uploads(settings):
    return settings.model_copy(update={"max_upload_mb": 1})


@pytest.fixture
def app(small_uploads, database):
    return create_app(small_uploads)


def asgi_post(app, path: str, chunks: list[bytes], headers: dict[str, str]) -> tuple[int, bytes, int]:
    """POST ``chunks`` (a streamed body: no Content-Length unless given) straight to the ASGI app; returns
    the status, the response body and how many of the chunks the application read."""
    pending = list(chunks)
    read = 0

    async def receive():
        nonlocal read
        if pending:
            read += 1
            body = pending.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(pending)}
        return {"type": "http.disconnect"}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443),
    }
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body, read


MULTIPART = "multipart/form-data; boundary=xyz"
CHUNK = b"x" * 65536


@pytest.mark.parametrize("path", ["/language", "/login", "/imports/confirm"])
def test_a_form_larger_than_the_limit_is_refused_before_any_route(app, path) -> None:
    body = b"language=en&next=" + b"a" * FORM_LIMIT
    with client_as(app, app.state.database, role="leader") as client:
        client.cookies.clear()  # anonymous
        declared = client.post(
            path, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        streamed = client.post(  # no Content-Length: the bytes are counted
            path,
            content=iter([body[:40_000], body[40_000:]]),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert "Dữ liệu gửi lên quá lớn" in response.text  # the translated error page
        assert response.headers["content-security-policy"]  # the usual headers too


def test_a_large_form_is_refused_after_reading_no_more_than_the_limit(app) -> None:
    chunks = [CHUNK] * 1000  # 64 MB, streamed without a length
    status, body, read = asgi_post(
        app, "/language", chunks, {"content-type": "application/x-www-form-urlencoded"}
    )
    assert status == 413 and "quá lớn".encode() in body
    assert read <= FORM_LIMIT // len(CHUNK) + 1


def test_a_declared_length_over_the_limit_is_refused_unread(app) -> None:
    status, _body, read = asgi_post(
        app,
        "/login",
        [CHUNK],
        {"content-type": "application/x-www-form-urlencoded", "content-length": str(4 << 30)},
    )
    assert status == 413 and read == 0


def test_the_api_answers_413_in_its_json_envelope(app) -> None:
    status, body, _ = asgi_post(app, "/api/compstat", [CHUNK, CHUNK], {"content-type": "application/json"})
    assert status == 413
    assert b'"type":"RequestTooLarge"' in body and b"message_en" in body


def test_an_anonymous_upload_is_refused_without_reading_its_body(app) -> None:
    status, _body, read = asgi_post(app, "/imports", [CHUNK] * 4, {"content-type": MULTIPART})
    assert status == 401 and read == 0


def test_an_upload_by_someone_not_allowed_to_import_is_refused_unread(app, database) -> None:
    leader = client_as(app, database, role="leader")  # may read, may not import
    token = leader.cookies[SESSION_COOKIE]
    status, _body, read = asgi_post(
        app,
        "/imports",
        [CHUNK] * 4,
        {"content-type": MULTIPART, "cookie": f"{SESSION_COOKIE}={token}", "x-csrf-token": leader.csrf_token},
    )
    assert status == 403 and read == 0


def test_an_upload_over_the_limit_is_refused_with_413(app, database, tmp_path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"source_id\r\n" + b"HP-1\r\n" * 300_000)  # 1.8 MB, the limit is 1 MB
    with client_as(app, database) as client, path.open("rb") as fh:
        declared = client.post(
            "/imports", files={"file": (path.name, fh, "text/csv")}, data={"csrf_token": client.csrf_token}
        )
    assert declared.status_code == 413 and "1 MB" in declared.text
    # streamed without a length: the multipart parser gets the refusal from the counted body
    analyst = client_as(app, database)
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + analyst.csrf_token.encode()
        + b'\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
    )
    chunks = [head, *([CHUNK] * 40), b"\r\n--xyz--\r\n"]  # 2.5 MB
    status, body, read = asgi_post(
        app,
        "/imports",
        chunks,
        {"content-type": MULTIPART, "cookie": f"{SESSION_COOKIE}={analyst.cookies[SESSION_COOKIE]}"},
    )
    assert status == 413 and "quá lớn".encode() in body
    assert read < len(chunks)


def test_an_upload_within_the_limit_still_needs_the_csrf_token(app, database, tmp_path) -> None:
    path = write_csv(tmp_path / "ok.csv", [incident(1)])
    with client_as(app, database) as client, path.open("rb") as fh:
        forged = client.post(
            "/imports", files={"file": (path.name, fh, "text/csv")}, data={"csrf_token": "x"}
        )
        fh.seek(0)
        good = client.post(
            "/imports", files={"file": (path.name, fh, "text/csv")}, data={"csrf_token": client.csrf_token}
        )
    assert forged.status_code == 403
    assert good.status_code == 200 and "ok.csv" in good.text
