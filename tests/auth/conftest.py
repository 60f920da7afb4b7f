"""A real OpenID Connect provider for the sign-in tests: npm's ``oidc-provider`` (tests/auth/provider),
started once per run on a free loopback port, with signing keys made here so tests can also sign tokens
exactly as the provider does.

No silent skip: without node and npm (or when ``npm ci`` fails) every test that needs the provider fails
and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pytest
from joserfc.jwk import ECKey, KeySet, RSAKey

from antt.auth.oidc import OidcClient, OidcConfig

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
REDIRECT_URL = "http://127.0.0.1:8000/auth/callback"
# the clients registered in provider.js (test secrets, not secret)
BASIC_CLIENT = ("antt", "antt-test-secret-basic-0123456789")
POST_CLIENT = ("antt-post", "antt-test-secret-post-0123456789")
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    port: int
    keys: KeySet  # the provider's private signing keys: kid "rsa-1" (RS256) and "ec-1" (ES256)
    log: Path

    def config(self, **changes: object) -> OidcConfig:
        """The configuration of the client "antt" (client_secret_basic, RS256 ID tokens)."""
        values: dict[str, object] = {
            "issuer": self.issuer,
            "client_id": BASIC_CLIENT[0],
            "client_secret": BASIC_CLIENT[1],
            "redirect_url": REDIRECT_URL,
        }
        values.update(changes)
        return OidcConfig(**values)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _install(npm: str) -> None:
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    done = subprocess.run(
        [npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`npm ci` in {PROVIDER_DIR} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}",
            pytrace=False,
        )


def _signing_keys() -> KeySet:
    rsa = RSAKey.generate_key(2048, {"kid": "rsa-1", "use": "sig", "alg": "RS256"})
    ec = ECKey.generate_key("P-256", {"kid": "ec-1", "use": "sig", "alg": "ES256"})
    return KeySet([rsa, ec])


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(
            "The OIDC sign-in tests need Node.js (>= 20) and npm to run the test provider "
            "(tests/auth/provider); install them (Debian: apt-get install nodejs npm).",
            pytrace=False,
        )
    _install(npm)
    keys = _signing_keys()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    env = dict(os.environ)
    env["ANTT_TEST_OIDC_JWKS"] = json.dumps(keys.as_dict(private=True))
    env["ANTT_TEST_OIDC_REDIRECT_URI"] = REDIRECT_URL
    with log.open("w") as out:
        process = subprocess.Popen(
            [node, "provider.js", str(port)], cwd=PROVIDER_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the test OIDC provider exited ({process.returncode}):\n{log.read_text()}", pytrace=False
                )
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the test OIDC provider did not start in {START_TIMEOUT_S:.0f} s:\n{log.read_text()}"
                )
            time.sleep(0.1)
        yield RunningProvider(issuer, port, keys, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def client(oidc_provider: RunningProvider) -> Iterator[OidcClient]:
    with OidcClient(oidc_provider.config()) as c:
        yield c


def authorize(url: str, redirect_url: str = REDIRECT_URL) -> dict[str, str]:
    """Play the browser: follow the provider's redirects (its interaction signs the test account in at
    once) until it sends the browser back to ``redirect_url``; return that callback's query parameters."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        for _ in range(10):
            response = browser.get(url)
            if response.status_code not in (302, 303):
                raise AssertionError(f"GET {url}: HTTP {response.status_code}\n{response.text[:1000]}")
            url = urljoin(str(response.url), response.headers["location"])
            if url.startswith(redirect_url):
                return dict(parse_qsl(urlsplit(url).query))
    raise AssertionError("the provider never redirected back to the client")
