"""Request bodies have a size limit, enforced before anything parses them.

Without it an anonymous ``POST /language`` with a 4 GB body made the form parser spool 4 GB to disk before
any route (or sign-in check) ran. :class:`BodyLimit` is pure ASGI middleware in front of everything else:

- **Uploads** (``POST /imports``, ``POST /admin/users/legacy``, a survey form with its attachments, a
  filled survey template, a survey form's definition) may carry ``ANTT_MAX_UPLOAD_MB``. A
  larger ``Content-Length`` is refused at once; otherwise the bytes are counted as the route reads them
  (a chunked body has no length), and once they pass the limit nothing more is read and the answer is a
  413. The upload routes themselves check who is asking before they read a byte (``web.pages.imports``).
- **Every other body** (the forms: sign-in, language, reports, admin) may carry :data:`FORM_LIMIT`. It is
  read, counted, before the application sees the request, then handed on unchanged; a larger one is
  refused before any session lookup, route or form parser runs.

A refusal is a 413 translated like every other error: the HTML error page, or the JSON envelope under
``/api``.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from antt.errors import AnttError
from antt.web import i18n

FORM_LIMIT = 64 * 1024  # bytes: the largest form ANTT has (a report's options) is under 2 KiB
MULTIPART_OVERHEAD = 64 * 1024  # the boundaries and small fields around an uploaded file
UPLOAD_PATHS = frozenset({"/imports", "/admin/users/legacy", "/drugs/forms"})
#: routes with a path parameter that take a file: a commune's survey (its attachments) and its template
UPLOAD_PATTERN = re.compile(r"/drugs/survey/[^/]+(/upload)?")


def is_upload_path(path: str, exact: frozenset[str] = UPLOAD_PATHS) -> bool:
    return path in exact or UPLOAD_PATTERN.fullmatch(path) is not None


class RequestTooLarge(AnttError):
    """The request's body is larger than the limit of its route."""

    exit_code = 2
    http_status = 413


def too_large(limit: int) -> RequestTooLarge:
    if limit >= 1 << 20:
        shown_vi = shown_en = f"{limit // (1 << 20)} MB"
    else:
        shown_vi = shown_en = f"{limit // 1024} KB"
    return RequestTooLarge(
        f"Dữ liệu gửi lên quá lớn (tối đa {shown_vi}). Với tệp nhập lớn hơn, hãy chia thành nhiều tệp nhỏ.",
        f"The request is too large (at most {shown_en}). Split a larger import file into several smaller ones.",
    )


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # uvicorn refuses such a request before it gets here; count the bytes anyway
    return None


class BodyLimit:
    """See the module. ``upload_bytes`` is the limit of the upload routes' bodies, the file included."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        upload_bytes: int,
        form_bytes: int = FORM_LIMIT,
        upload_paths: frozenset[str] = UPLOAD_PATHS,
    ) -> None:
        self.app = app
        self.upload_file_bytes = upload_bytes  # what the user is told
        self.upload_bytes = upload_bytes + MULTIPART_OVERHEAD
        self.form_bytes = form_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and is_upload_path(scope["path"], self.upload_paths)
        limit = self.upload_bytes if upload else self.form_bytes
        refusal = too_large(self.upload_file_bytes if upload else self.form_bytes)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, refusal)
            return
        if upload:
            await self._upload(scope, receive, send, limit, refusal)
            return
        read = await _read_body(receive, limit)
        if read is None:
            await self._refuse(scope, receive, send, refusal)
            return
        await self.app(scope, _replayed(read, receive), send)

    async def _upload(
        self, scope: Scope, receive: Receive, send: Send, limit: int, refusal: RequestTooLarge
    ) -> None:
        """Run the upload route on a counted body; once it passes ``limit``, answer 413 in its place."""
        counted = _Counted(receive, limit)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except Exception:
            if not counted.refused or started:
                raise
        if counted.refused and not started:
            await self._refuse(scope, receive, send, refusal)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, refusal: RequestTooLarge) -> None:
        from antt.web.errors import error_response  # the error page renders templates: load them late
        from antt.web.session import ANONYMOUS

        request = Request(scope, receive)
        i18n.set_language(request.cookies.get(i18n.LANGUAGE_COOKIE, i18n.DEFAULT_LANGUAGE))
        request.state.session = None  # nobody is looked up for a request that is refused unread
        request.state.actor = ANONYMOUS
        response = error_response(request, refusal)
        response.headers["Connection"] = "close"  # the rest of the body is never read
        await response(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> list[Message] | None:
    """The request's messages up to the end of its body, or ``None`` once it passes ``limit`` bytes."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":  # the client went away: let the application see it
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            return None
        if not message.get("more_body", False):
            return messages


def _replayed(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


class _Counted:
    """``receive`` that counts the body; past ``limit`` it reads no more and tells the application the
    client is gone (Starlette raises ``ClientDisconnect`` in whoever reads the body — an exception raised
    here would reach the route wrapped in an ``ExceptionGroup`` by the middleware in between)."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.size = 0
        self.refused = False

    async def __call__(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self.receive()
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            if self.size > self.limit:
                self.refused = True
                return {"type": "http.disconnect"}
        return message
