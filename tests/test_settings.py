from __future__ import annotations

from pathlib import Path

import pytest

from antt.errors import SettingsError
from antt.settings import DEMO_PSEUDONYM_KEY, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTT_PSEUDONYM_KEY", "ANTT_PSEUDONYM_KEY_FILE", "ANTT_DEMO", "ANTT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_default_database_is_a_sqlite_file_in_the_working_directory() -> None:
    assert load_settings().database_url == "sqlite:///antt.db"


def test_a_missing_key_is_refused_outside_the_demo_when_secrets_are_required() -> None:
    with pytest.raises(SettingsError, match="ANTT_PSEUDONYM_KEY"):
        load_settings(require_secrets=True)
    with pytest.raises(SettingsError):
        load_settings().key_bytes()


def test_the_demo_key_is_refused_outside_the_demo() -> None:
    with pytest.raises(SettingsError):
        load_settings(pseudonym_key=DEMO_PSEUDONYM_KEY)
    assert load_settings(demo=True).key_bytes() == DEMO_PSEUDONYM_KEY.encode()


def test_a_short_key_is_refused() -> None:
    with pytest.raises(SettingsError):
        load_settings(pseudonym_key="short")


def test_the_key_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("a-very-long-secret-key-from-a-file-0123456789\n")
    monkeypatch.setenv("ANTT_PSEUDONYM_KEY_FILE", str(secret))
    assert load_settings(require_secrets=True).key_bytes() == b"a-very-long-secret-key-from-a-file-0123456789"


def test_environment_variables_configure_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTT_DATABASE_URL", "postgresql://x@localhost/y")
    monkeypatch.setenv("ANTT_DEMO", "1")
    settings = load_settings()
    assert settings.database_url == "postgresql://x@localhost/y" and settings.demo and not settings.is_sqlite


def test_an_invalid_setting_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="sqlite_synchronous"):
        load_settings(sqlite_synchronous="OFF")
