"""The demo's local e-ID provider — Dữ liệu mô phỏng. For ``antt demo`` and the browser tests only.

A real OpenID Connect provider on loopback (the ``oidc-provider-mock`` package: Flask + Authlib; discovery,
JWKS, RS256 ID tokens, ``nonce`` required) that vouches for the demo personas: each is a predefined user
(``sub`` = ``oidc_sub``; claims ``name``, ``personal_id``, ``acr``) signed in with one click on its page,
and so is one person ANTT does not know (:data:`STRANGER`), to show that such a sign-in is refused.
ANTT is its only client, registered when it starts (random id and secret, one redirect URL), and it
honours PKCE: the package ignores ``code_challenge``, so :class:`_Pkce` in front of it requires S256 on
every authorization request and checks the ``code_verifier`` at the token endpoint.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from antt.demo.personas import PERSONAS, Persona
from antt.errors import SettingsError
from antt.settings import Settings

DEFAULT_PORT = 8001
#: a person the provider vouches for who is no user of ANTT: signing in gives no access (fail closed)
STRANGER = Persona(
    username="khach",
    full_name="Tôn Thị Khách",
    role="",
    units=(),
    oidc_sub="demo-khach",
    personal_id="031196999907",
    assurance_level="LoA2",
    title_vi="Người dân, chưa được cấp quyền trong ANTT",
)
_BASE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNeID (demo)</title><link rel="icon" href="data:,">
<style>body{font-family:sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.4rem 0;padding:.6rem;text-align:left;font-size:1rem}</style>
</head><body><main>{% block content %}{{ content }}{% endblock %}</main></body></html>"""
_FORM = """{% extends "_base.html" %}{% block content %}
<h1>Định danh điện tử — nhà cung cấp thử nghiệm <small>(demo e-ID provider)</small></h1>
<p>Dữ liệu mô phỏng. Chọn người đăng nhập / choose who signs in:</p>
<form method="post">{% for sub in predefined_users %}
<button type="submit" name="sub" value="{{ sub }}">{{ demo_labels.get(sub, sub) }}</button>{% endfor %}
</form>
<form method="post"><button type="submit" name="action" value="deny">Từ chối / Deny</button></form>
<p>Sau đó quay về / then back to {{ redirect_uri }}</p>{% endblock %}"""


@dataclass(frozen=True, slots=True)
class DemoProvider:
    """The running provider and ANTT's registration with it: what the ``ANTT_OIDC_*`` settings need."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str

    def environment(self) -> dict[str, str]:
        return {
            "ANTT_OIDC_ISSUER": self.issuer,
            "ANTT_OIDC_CLIENT_ID": self.client_id,
            "ANTT_OIDC_CLIENT_SECRET": self.client_secret,
            "ANTT_OIDC_REDIRECT_URL": self.redirect_url,
        }


def _claims(p: Persona) -> dict[str, object]:
    return {"name": p.full_name, "personal_id": p.personal_id, "acr": p.assurance_level}


_App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Pkce:
    """RFC 7636 with S256 only, in front of a provider that ignores it (WSGI middleware)."""

    def __init__(self, app: _App) -> None:
        self.app = app
        self.challenges: dict[str, str] = {}  # authorization code -> its code_challenge
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = query.get("code_challenge", [""])[0]
            if query.get("code_challenge_method") != ["S256"] or not challenge:
                return _error(start_response, "invalid_request", "PKCE with S256 is required")

            def remember_code(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                location = dict(headers).get("Location", "")
                code = parse_qs(urlsplit(location).query).get("code", [""])[0]
                if code:
                    with self.lock:
                        self.challenges[code] = challenge
                return start_response(status, headers, *args)

            return self.app(environ, remember_code if method == "POST" else start_response)
        if path == "/oauth2/token" and method == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode("utf-8", "replace"))
            if form.get("grant_type") == ["authorization_code"]:
                from authlib.oauth2.rfc7636 import create_s256_code_challenge

                with self.lock:
                    challenge = self.challenges.pop(form.get("code", [""])[0], None)
                verifier = form.get("code_verifier", [""])[0]
                expected = create_s256_code_challenge(verifier) if 43 <= len(verifier) <= 128 else None
                if not challenge or not expected or not secrets.compare_digest(expected, challenge):
                    return _error(start_response, "invalid_grant", "PKCE verification failed")
        return self.app(environ, start_response)


def _error(start_response: Callable[..., Any], error: str, description: str) -> list[bytes]:
    body = json.dumps({"error": error, "error_description": description}).encode()
    start_response("400 Bad Request", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
    return [body]


@contextmanager
def run_demo_provider(
    settings: Settings,
    *,
    app_url: str = "http://127.0.0.1:8000",
    port: int = DEFAULT_PORT,
    users: Iterable[Persona] = (*PERSONAS, STRANGER),
) -> Iterator[DemoProvider]:
    """Serve the provider on ``127.0.0.1:port`` (0: any free port) in a thread while the block runs.

    ``app_url`` is where ANTT is served: its ``/auth/callback`` is the only redirect URL allowed.
    Refused outside the demo: this provider signs anyone in with one click.
    """
    if not settings.demo:
        raise SettingsError(
            "Nhà cung cấp định danh thử nghiệm chỉ dùng cho demo (ANTT_DEMO).",
            "The demo identity provider runs only in the demo (ANTT_DEMO).",
        )
    import werkzeug.serving
    from authlib.deprecate import AuthlibDeprecationWarning  # which, imported, shows itself "always"
    from jinja2 import ChoiceLoader, DictLoader

    with warnings.catch_warnings():  # the package imports authlib.jose, which Authlib says is deprecated
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        import oidc_provider_mock

    users = tuple(users)
    app = oidc_provider_mock.app(
        require_client_registration=True,
        require_nonce=True,
        issue_refresh_token=False,
        user_claims=[oidc_provider_mock.User(sub=p.oidc_sub, claims=_claims(p)) for p in users],
    )
    # its own pages, without the package's stylesheet from a CDN: the demo works offline
    app.jinja_loader = ChoiceLoader(
        [DictLoader({"_base.html": _BASE, "authorization_form.html": _FORM}), app.jinja_loader]
    )
    labels = {p.oidc_sub: f"{p.full_name} — {p.title_vi} ({p.oidc_sub})" for p in users}
    app.context_processor(lambda: {"demo_labels": labels})
    redirect_url = app_url.rstrip("/") + "/auth/callback"
    registered = app.test_client().post(
        "/oauth2/clients",
        json={"redirect_uris": [redirect_url], "token_endpoint_auth_method": "client_secret_basic"},
    )
    if registered.status_code != 201:
        raise RuntimeError(
            f"cannot register ANTT with the demo provider: {registered.get_data(as_text=True)}"
        )
    client = registered.get_json()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the demo's console
    server = werkzeug.serving.make_server("127.0.0.1", port, _Pkce(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-identity-provider", daemon=True)
    thread.start()
    try:
        yield DemoProvider(
            issuer=f"http://127.0.0.1:{server.server_port}",
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            redirect_url=redirect_url,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
