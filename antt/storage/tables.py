"""The database schema, as typed SQLAlchemy 2 tables. Alembic migrations create exactly this.

Times are stored as naive UTC ``DateTime``; ``incidents.occurred_on`` is the local date statistics count
by. Units are referred to by ``(scheme, code)``, never by code alone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UnitScheme(Base):
    __tablename__ = "unit_schemes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)


class UnitRow(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("scheme", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(ForeignKey("unit_schemes.code"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(String(8))
    area_km2: Mapped[float | None] = mapped_column(Float)
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON geometry, WGS84, where known


class CrosswalkRow(Base):
    __tablename__ = "unit_crosswalk"
    __table_args__ = (
        UniqueConstraint("old_scheme", "old_code", "new_scheme", "new_code"),
        ForeignKeyConstraint(["old_scheme", "old_code"], ["units.scheme", "units.code"]),
        ForeignKeyConstraint(["new_scheme", "new_code"], ["units.scheme", "units.code"]),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    old_scheme: Mapped[str] = mapped_column(String(16))
    old_code: Mapped[str] = mapped_column(String(8))
    new_scheme: Mapped[str] = mapped_column(String(16))
    new_code: Mapped[str] = mapped_column(String(8))
    transfer: Mapped[str] = mapped_column(String(8))
    note_vi: Mapped[str] = mapped_column(Text, default="")


class ReportingGroupRow(Base):
    __tablename__ = "reporting_groups"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer)


class OffenceRow(Base):
    __tablename__ = "offences"

    article: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    chapter: Mapped[str] = mapped_column(String(8))
    section: Mapped[int | None] = mapped_column(Integer)
    reporting_group: Mapped[str] = mapped_column(ForeignKey("reporting_groups.code"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class OffenceClauseRow(Base):
    __tablename__ = "offence_clauses"
    __table_args__ = (UniqueConstraint("article", "clause", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article: Mapped[str] = mapped_column(ForeignKey("offences.article"))
    clause: Mapped[int] = mapped_column(Integer)
    max_penalty: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(24))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_bytes: Mapped[int] = mapped_column(BigInteger)
    imported_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_new: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        ForeignKeyConstraint(["unit_scheme", "unit_code"], ["units.scheme", "units.code"]),
        Index("ix_incidents_occurred_on_group", "occurred_on", "reporting_group"),
        Index("ix_incidents_unit", "unit_scheme", "unit_code", "occurred_on"),
        # covers CompStat's grouped scan: SQLite answers it from the index alone, already grouped
        Index(
            "ix_incidents_report",
            "report_unit_code",
            "reporting_group",
            "occurred_on",
            "status",
            "cleared_on",
            "severity_min",
            "suspects",
            "organised_group",
            "report_approx",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    occurred_on: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    unit_scheme: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(8))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    location_flag: Mapped[str] = mapped_column(String(12))
    article: Mapped[str] = mapped_column(ForeignKey("offences.article"))
    clause: Mapped[int | None] = mapped_column(Integer)
    reporting_group: Mapped[str] = mapped_column(ForeignKey("reporting_groups.code"))
    severity: Mapped[str | None] = mapped_column(String(24))
    severity_min: Mapped[str | None] = mapped_column(String(24))
    severity_max: Mapped[str | None] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(24))
    cleared_on: Mapped[date | None] = mapped_column(Date)
    suspects: Mapped[int | None] = mapped_column(Integer)
    victims: Mapped[int | None] = mapped_column(Integer)
    drug_related: Mapped[bool] = mapped_column(Boolean, default=False)
    organised_group: Mapped[bool] = mapped_column(Boolean, default=False)
    damage_vnd: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    # the unit in the reporting (current) scheme, carried forward through the crosswalk at import
    report_unit_code: Mapped[str] = mapped_column(String(8))
    report_approx: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(32))
    created_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    updated_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))


class IndicatorValue(Base):
    """A measured value of an indicator that does not come from incidents (e-ID accounts, GRDP, PCI …)."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator", "unit_scheme", "unit_code", "period"),
        ForeignKeyConstraint(["unit_scheme", "unit_code"], ["units.scheme", "units.code"]),
        Index("ix_indicator_values_lookup", "indicator", "period_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64))
    unit_scheme: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(8))
    period: Mapped[str] = mapped_column(
        String(40)
    )  # the period's textual form, e.g. year:2024, month:2024-03
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    unit_of_measure: Mapped[str] = mapped_column(String(24), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))


class Person(Base):
    """A pseudonymous person: only the keyed pseudonym of their personal id is ever stored."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    first_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))


class IncidentPerson(Base):
    __tablename__ = "incident_persons"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default="suspect")


class IncidentChange(Base):
    """One re-import that changed an incident: which fields, from what to what."""

    __tablename__ = "incident_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changes: Mapped[dict[str, object]] = mapped_column(JSON)


class AuditRecord(Base):
    """Append-only audit log; each record's hash covers its content and the previous record's hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column("object", String(300), default="")  # what was acted on
    client: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditBoundary(Base):
    """Where the keyed (HMAC) chain begins: records before ``keyed_from_id`` were written with the old
    unkeyed digest and end in ``legacy_head``. ``mac`` (HMAC with the audit chain key) makes the row
    unforgeable; there is no row when every record is keyed."""

    __tablename__ = "audit_boundary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    keyed_from_id: Mapped[int] = mapped_column(Integer)
    legacy_head: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class AuditVerified(Base):
    """How far the chain has been verified (``records`` records, ending with ``last_id`` / ``last_hash``),
    so that a check only walks what is new; ``mac`` (audit chain key) makes the row unforgeable."""

    __tablename__ = "audit_verified"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    records: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime] = mapped_column(DateTime)
    full_at: Mapped[datetime | None] = mapped_column(DateTime)  # the last walk from the first record
    mac: Mapped[str] = mapped_column(String(64))


class AuditThrottle(Base):
    """Anonymous failures of one client and action: when a record was last written for them, and how many
    attempts came since (they go into the next record, at most one a minute)."""

    __tablename__ = "audit_throttle"

    client: Mapped[str] = mapped_column(String(100), primary_key=True)
    action: Mapped[str] = mapped_column(String(64), primary_key=True)
    written_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # since written_at, not yet recorded
    first_at: Mapped[datetime | None] = mapped_column(DateTime)
    reasons: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class UserRow(Base):
    """A person who signed in (keyed by the identity provider's issuer + subject), or a legacy account.

    The personal id number is kept only as its keyed pseudonym. ``status`` is active, locked or disabled;
    legacy accounts (from an older system) have ``legacy`` set and their old ``legacy_login`` name.
    """

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    personal_id_pseudonym: Mapped[str | None] = mapped_column(String(64), index=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="active")
    legacy: Mapped[bool] = mapped_column(Boolean, default=False)
    legacy_login: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # a legacy account: whether the old system had it active, and the e-ID user who took it over (when)
    legacy_active: Mapped[bool | None] = mapped_column(Boolean)
    linked_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    linked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # an e-ID user whose link to a legacy account was refused, pending an administrator's review
    link_review: Mapped[str | None] = mapped_column(String(24))
    link_review_at: Mapped[datetime | None] = mapped_column(DateTime)


class GrantRow(Base):
    """One role of a user on one unit, or city-wide (``unit_scheme`` and ``unit_code`` both null)."""

    __tablename__ = "grants"
    __table_args__ = (
        ForeignKeyConstraint(["unit_scheme", "unit_code"], ["units.scheme", "units.code"]),
        CheckConstraint("(unit_scheme IS NULL) = (unit_code IS NULL)", name="unit_complete"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    unit_scheme: Mapped[str | None] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(8))
    granted_by: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(DateTime)


class LegacyLockSchedule(Base):
    """The lock of every legacy account, scheduled for ``lock_at`` (naive UTC); applied, and removed, at
    the first sign-in or ``antt users`` command after it. At most one row (``id`` 1)."""

    __tablename__ = "legacy_lock_schedule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lock_at: Mapped[datetime] = mapped_column(DateTime)
    scheduled_by: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(DateTime)


class SessionRow(Base):
    """A server-side sign-in session. ``id`` is the SHA-256 (hex) of the opaque token in the cookie: the
    token itself is never stored."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(24))
    client_address: Mapped[str] = mapped_column(String(100), default="")
    csrf_secret: Mapped[str] = mapped_column(String(64))


# --- the city's targets (antt/storage/targets.py) ---------------------------------------------------------


class TargetVersionRow(Base):
    """One version of a target the city set (or of a shipped default it changed or retired): every change
    is a new row, none is updated or deleted, so the history of each target stays. ``definition`` is the
    target as a targets-document entry (:func:`antt.domain.targets.target_entry`), with the document that
    sets it; ``action`` is ``set`` or ``retire`` (the target leaves the effective set from then on)."""

    __tablename__ = "target_versions"
    __table_args__ = (UniqueConstraint("target_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(12))
    definition: Mapped[dict[str, object]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))


# --- official drug status of communes (antt/storage/drug_status.py) --------------------------------------


class DrugDecisionRow(Base):
    """One commune's line of an official drug-status decision (a drug-free recognition or a QĐ 28/2025
    class), as imported: never updated or deleted, so the history stays. The unit is the one the code
    meant on the decision date; ``valid_to`` NULL is open."""

    __tablename__ = "drug_decisions"
    __table_args__ = (
        UniqueConstraint("unit_scheme", "unit_code", "year", "decision_number"),
        ForeignKeyConstraint(["unit_scheme", "unit_code"], ["units.scheme", "units.code"]),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_scheme: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    decision_number: Mapped[str] = mapped_column(String(100))
    decision_date: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(300))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


# --- report drafts (antt/storage/report_drafts.py) --------------------------------------------------------


class ReportDraftRow(Base):
    """A periodic report being written: its period and unit (``unit_code`` ``None``: the city), and where
    its review stands (``draft`` → ``submitted`` → ``approved`` or ``returned``); the texts are in its
    versions. ``approved_version`` is the version the leader approved (a later save clears it)."""

    __tablename__ = "report_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_key: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(12))
    current_version: Mapped[int] = mapped_column(Integer)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")


class ReportDraftVersionRow(Base):
    """One saved version of a draft: the analyst's texts (narrative key → text, NFC) and the document's
    options (data date, number, issue date, signature, marks). Never updated or deleted."""

    __tablename__ = "report_draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("report_drafts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    options: Mapped[dict[str, object]] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[datetime] = mapped_column(DateTime)


class AlertRow(Base):
    """One alert (``antt.domain.alerts``): early-warning rises, growing groups, drug-class drift. The same
    (kind, unit, subject, period start) is one row; figures and explanation are updated in place."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("kind", "scheme", "unit_code", "subject", "period_start"),
        Index("ix_alerts_status_unit", "status", "unit_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    scheme: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    figures: Mapped[dict[str, object]] = mapped_column(JSON)
    explanation_vi: Mapped[str] = mapped_column(Text)
    explanation_en: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    action_taken: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class GroupSnapshotRow(Base):
    """The tracked co-offending groups of one weekly step (``antt.storage.networks``): a cache that lets
    ``networks groups|alerts`` resume tracking instead of redoing it from the first incident. Pseudonyms
    only; a row with an empty ``group_id`` marks a step tracked (with or without groups). ``rules_key``
    names the rules it was computed with; ``batch_id`` the newest import it is valid for."""

    __tablename__ = "group_snapshots"
    __table_args__ = (Index("ix_group_snapshots_rules_step", "rules_key", "step_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rules_key: Mapped[str] = mapped_column(String(64))
    step_end: Mapped[date] = mapped_column(Date)
    group_id: Mapped[str] = mapped_column(String(72))
    members: Mapped[list[str]] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(Integer)


# --- the commune drug-control survey (antt/storage/drug_survey.py) ---------------------------------------


class DrugSurveyRow(Base):
    """One commune's answers to the year's drug-control survey (issue 15): entered by its commune police,
    reviewed by the city (``submitted`` → ``approved`` or ``returned`` with a comment, then resubmitted)."""

    __tablename__ = "drug_surveys"
    __table_args__ = (
        UniqueConstraint("year", "unit_scheme", "unit_code"),
        ForeignKeyConstraint(["unit_scheme", "unit_code"], ["units.scheme", "units.code"]),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_scheme: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(String(8))
    form_version: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, object]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="")


class SurveyCampaignRow(Base):
    """A year's drug-control survey campaign (issue 15 §3), created by an analyst: its name, the form it
    uses, its deadline and the communes it is assigned to (``units`` null: every commune of ``scheme``)."""

    __tablename__ = "survey_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    form_version: Mapped[str] = mapped_column(String(32))
    deadline: Mapped[date] = mapped_column(Date)
    scheme: Mapped[str] = mapped_column(String(16))
    units: Mapped[list[str] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SurveyFormRow(Base):
    """A survey form an analyst defined (issue 15 §3): its sections and questions as a JSON document
    (``antt.domain.survey_forms``). Never edited: a changed form is a new code. The built-in form
    (``ptmt-xa-2025``) is code, not a row."""

    __tablename__ = "survey_forms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title_vi: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, object]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SurveyAttachmentRow(Base):
    """A file sent with a commune's survey for one attachment question (a scanned report, a photo): the
    bytes themselves, so a backup holds them; one per survey and question, replaced by a new one."""

    __tablename__ = "survey_attachments"
    __table_args__ = (UniqueConstraint("survey_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("drug_surveys.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
