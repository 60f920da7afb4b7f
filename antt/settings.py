"""Typed settings from ``ANTT_*`` environment variables, built only by :func:`load_settings`.

Secrets may also come from a file named by ``ANTT_<NAME>_FILE`` (Docker/systemd credentials style).
Outside the demo, ANTT refuses to start without a pseudonymisation key: a default key would make the
pseudonyms of real people reversible by anyone who has the source code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from antt.errors import SettingsError

DEMO_PSEUDONYM_KEY = "antt-demo-key-not-secret-synthetic-data-only"
_SECRET_FIELDS = ("pseudonym_key", "oidc_client_secret", "smtp_password")
_MIN_KEY_LENGTH = 32

# Purposes of the keys derived from the configured secret (HKDF ``info``). The pseudonym key itself is the
# configured secret, unchanged, so that pseudonyms already stored keep linking people across imports.
AUDIT_CHAIN_KEY = "antt audit chain"
AUDIT_CHECKPOINT_KEY = "antt audit checkpoint"
SESSION_COOKIE_KEY = "antt session cookie"
_HKDF_SALT = b"antt key derivation v1"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANTT_", extra="ignore", frozen=True)

    database_url: str = Field(default="sqlite:///antt.db", description="SQLAlchemy URL; SQLite by default")
    pseudonym_key: SecretStr | None = Field(default=None, description="HMAC key for personal identifiers")
    demo: bool = Field(default=False, description="demo mode: synthetic data, demo key allowed")
    sqlite_synchronous: str = Field(default="FULL", pattern="^(FULL|NORMAL)$")
    import_max_file_bytes: int = Field(default=512 * 1024 * 1024, gt=0)
    import_max_xlsx_uncompressed_bytes: int = Field(default=1024 * 1024 * 1024, gt=0)
    import_batch_rows: int = Field(default=5000, gt=0)
    # the largest request body the web accepts for an upload (``POST /imports``), in MiB; every other
    # request body is limited to a few KiB (antt.web.limits)
    max_upload_mb: int = Field(default=200, gt=0, description="largest web upload, MiB")
    source_name: str = Field(default="default", description="default source system name for imports")
    # sign-in through an OpenID Connect e-ID provider (VNeID-style broker); antt.auth.oidc reads these
    oidc_issuer: str | None = Field(default=None, description="issuer URL, exactly as the provider states it")
    oidc_client_id: str | None = Field(default=None)
    oidc_client_secret: SecretStr | None = Field(default=None, description="or ANTT_OIDC_CLIENT_SECRET_FILE")
    oidc_redirect_url: str | None = Field(default=None, description="this app's registered callback URL")
    oidc_scopes: str = Field(default="openid profile", description="space-separated scopes to request")
    oidc_client_auth_method: str = Field(
        default="client_secret_basic", pattern="^(client_secret_basic|client_secret_post)$"
    )
    oidc_algorithms: str = Field(
        default="RS256 ES256 PS256", description="ID-token signature algorithms accepted (none/HS* never)"
    )
    oidc_min_assurance: str | None = Field(
        default=None,
        description="acr values good enough to sign in, space- or comma-separated, most preferred first; "
        "unset: any assurance level",
    )
    oidc_claim_subject: str = Field(default="sub")
    oidc_claim_personal_id: str = Field(
        default="personal_id cccd", description="claim names tried in order for the 12-digit personal id"
    )
    oidc_claim_full_name: str = Field(default="name")
    oidc_claim_assurance: str = Field(default="acr")
    # server-side sessions (antt.services.sessions)
    session_idle_minutes: int = Field(default=30, gt=0, description="a session ends after this idle time")
    session_absolute_hours: int = Field(
        default=12, gt=0, description="a session ends this long after sign-in"
    )
    break_glass_admin: bool = Field(
        default=False, description="allow the audited break-glass administrator (antt users --break-glass)"
    )
    audit_checkpoint_file: Path | None = Field(
        default=None,
        description="where `antt audit checkpoint` appends signed checkpoints (JSON lines); default beside "
        "the SQLite file, or antt-audit-checkpoints.jsonl in the working directory",
    )
    # backups (antt.services.backup)
    backup_dir: Path | None = Field(
        default=None,
        description="where `antt db upgrade` keeps the backup it takes first; default: antt-backups beside "
        "the SQLite file",
    )
    backup_key_file: Path | None = Field(
        default=None, description="key file that encrypts the backups `antt db upgrade` takes (AES-256-GCM)"
    )
    backup_max_age_hours: float = Field(
        default=26, gt=0, description="the overview warns administrators when the newest backup is older"
    )

    # co-offending groups (issue 14; the defaults are justified in docs/co-offending.md)
    networks_min_tie_incidents: int = Field(
        default=2, ge=2, description="incidents in common for a repeated tie"
    )
    networks_half_life_days: float = Field(
        default=180, gt=0, description="recency half-life of ties and scores"
    )
    networks_max_incident_persons: int = Field(default=20, ge=2, description="larger incidents make no ties")
    networks_window_days: int = Field(default=365, ge=7, description="tracking window ending on each week")
    networks_alert_members: int = Field(
        default=5, ge=2, description="alert: a group reaches this many members"
    )
    networks_alert_incidents: int = Field(default=4, ge=1, description="alert: this many incidents within")
    networks_alert_weeks: int = Field(default=12, ge=1, description="… this many weeks")
    networks_alert_new_members: int = Field(
        default=3, ge=1, description="alert: new members within the weeks"
    )
    # the commune drug-control survey (issue 15): each year's campaign closes on this day (MM-DD)
    drug_survey_deadline: str = Field(
        default="06-30",
        pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        description="day (MM-DD) by which each commune's survey of the year is due",
    )

    # e-mail of new early-warning alerts (issue 13; antt.services.alert_mail): off while no host or recipient
    smtp_host: str | None = Field(default=None, description="the unit's mail server; unset: no e-mail")
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_security: str = Field(
        default="starttls", pattern="^(starttls|ssl|none)$", description="none only on a trusted network"
    )
    smtp_user: str | None = Field(default=None)
    smtp_password: SecretStr | None = Field(default=None, description="or ANTT_SMTP_PASSWORD_FILE")
    smtp_timeout_seconds: float = Field(default=20, gt=0)
    alert_mail_from: str = Field(default="antt@localhost", description="the sender of alert e-mails")
    alert_mail_to: str = Field(
        default="",
        description="recipients separated by ';', each an address, optionally '=' and unit codes separated "
        "by ',' (only those communes' alerts): 'lanhdao@x.vn; doi@x.vn=10525,10526'",
    )
    public_url: str | None = Field(
        default=None, description="the address users open ANTT at, for links in e-mails (https://…)"
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def key_bytes(self) -> bytes:
        """The pseudonymisation key; only present once :func:`load_settings` has checked it."""
        if self.pseudonym_key is None:
            raise SettingsError(
                "Chưa cấu hình khoá bút danh hoá ANTT_PSEUDONYM_KEY.",
                "ANTT_PSEUDONYM_KEY is not configured.",
            )
        return self.pseudonym_key.get_secret_value().encode("utf-8")

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one ``purpose`` (one of the ``*_KEY`` names above), derived from the configured
        secret with HKDF-SHA-256 (RFC 5869): knowing one purpose's key tells nothing of another's, and no
        derived key is the pseudonym key."""
        prk = hmac.new(_HKDF_SALT, self.key_bytes(), hashlib.sha256).digest()
        return hmac.new(prk, purpose.encode("utf-8") + b"\x01", hashlib.sha256).digest()

    @property
    def checkpoint_path(self) -> Path:
        """The audit checkpoint file: configured, else beside the SQLite database, else in the working
        directory."""
        if self.audit_checkpoint_file is not None:
            return self.audit_checkpoint_file
        if self.is_sqlite:
            database = self.database_url.split("///", 1)[-1].split("?", 1)[0]
            if database and database != ":memory:":
                return Path(database).with_name(Path(database).name + ".audit-checkpoints.jsonl")
        return Path("antt-audit-checkpoints.jsonl")


def _secrets_from_files(environ: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in _SECRET_FIELDS:
        path = environ.get(f"ANTT_{name.upper()}_FILE")
        if path:
            try:
                values[name] = Path(path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SettingsError(
                    f"Không đọc được tệp bí mật ANTT_{name.upper()}_FILE={path}: {exc.strerror}",
                    f"Cannot read secret file ANTT_{name.upper()}_FILE={path}: {exc.strerror}",
                ) from exc
    return values


def load_settings(*, require_secrets: bool = False, **overrides: object) -> Settings:
    """Build settings from the environment (and ``overrides``), and refuse unsafe combinations.

    ``require_secrets`` makes a missing pseudonymisation key an error now (commands that import or serve
    personal data); otherwise it is an error only when the key is first needed.
    """
    values: dict[str, object] = dict(_secrets_from_files(dict(os.environ)))
    values.update(overrides)
    try:
        settings = Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"Cấu hình không hợp lệ: {problems}", f"Invalid settings: {problems}") from exc

    key = settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None
    if settings.demo:
        if key is None:
            settings = settings.model_copy(update={"pseudonym_key": SecretStr(DEMO_PSEUDONYM_KEY)})
    elif key is None:
        if not require_secrets:
            return settings
        raise SettingsError(
            "Thiếu ANTT_PSEUDONYM_KEY (hoặc ANTT_PSEUDONYM_KEY_FILE): bắt buộc ngoài chế độ demo.",
            "ANTT_PSEUDONYM_KEY (or ANTT_PSEUDONYM_KEY_FILE) is required outside the demo.",
        )
    elif key == DEMO_PSEUDONYM_KEY or len(key) < _MIN_KEY_LENGTH:
        raise SettingsError(
            f"ANTT_PSEUDONYM_KEY phải là khoá bí mật riêng, dài ít nhất {_MIN_KEY_LENGTH} ký tự.",
            f"ANTT_PSEUDONYM_KEY must be a private secret of at least {_MIN_KEY_LENGTH} characters.",
        )
    return settings
