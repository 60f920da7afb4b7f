"""The city's own targets: an administrator sets, changes and retires them, each with its document.

A target's figure for a year comes from the city's plan or resolution, not from ANTT: :func:`set_target`
records a new version of a target (a new id, or over a shipped default) with the document that sets it —
number, date of issue, issuing body, the document's wording, optionally its title and URL — or, only when
asked explicitly (``no_document``), without one, and then it is shown "chưa có văn bản / no source
document" everywhere. Nothing is updated or deleted: each change is a new version
(:mod:`antt.storage.targets`), so the history stays; each change, and each refusal, is appended to the
audit log (``target.set``, ``target.retire``) in the same transaction. Only a city-wide holder of
:data:`Action.MANAGE_TARGETS` (an administrator, or the operator's CLI) may change targets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from antt.domain.access import Action, Actor
from antt.domain.periods import parse_period, today_local
from antt.domain.targets import GROUPS_VI, SourceDocument, Target, parse_targets, target_entry
from antt.errors import InvalidInput, NotFound, PermissionDenied
from antt.services.sessions import aware_utc, naive_utc
from antt.services.targets import effective_targets
from antt.storage import audit
from antt.storage import targets as store
from antt.storage.engine import Database

TARGET_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
EARLIEST_DOCUMENT = date(1945, 9, 2)  # no document of the state is older


@dataclass(frozen=True)
class TargetListing:
    targets: list[Target]  # the effective set, shipped defaults and the city's
    history: list[store.TargetVersion]  # every stored version, oldest first


def list_targets(database: Database, actor: Actor) -> TargetListing:
    """The targets in force and every stored version (the administrator's page, ``antt targets list``)."""
    _require(actor)
    with database.transaction(write=False) as session:
        history = store.history(session)
    return TargetListing(effective_targets(database).targets, history)


def set_target(
    database: Database,
    actor: Actor,
    target_id: str,
    changes: Mapping[str, Any],
    *,
    document: SourceDocument | None,
    no_document: bool = False,
    client_address: str = "",
    now: datetime | None = None,
) -> Target:
    """Record a new version of ``target_id``: its current definition (a default, or the city's last
    version) with ``changes`` (entry fields as in ``targets.yaml``: ``name_vi``, ``rule`` …) and
    ``document``. A new id needs every field. Without a document it is refused unless ``no_document``."""
    moment = naive_utc(now)
    obj = f"target:{target_id}"
    _check_id(target_id)
    if document is None and not no_document:
        raise InvalidInput(
            "Chỉ tiêu cần văn bản đặt ra nó (số, ngày, cơ quan ban hành, nội dung); nếu chưa có văn bản, "
            "hãy nói rõ (không có văn bản).",
            "A target needs the document that sets it (number, date, issuing body, wording); if there is "
            "none yet, say so explicitly (no document).",
        )
    if document is not None:
        _check_document(document)
    current = {t.id: t for t in effective_targets(database).targets}
    entry = _merged(current.get(target_id), target_id, changes, document)
    target = _parsed(entry)
    version: store.TargetVersion | None = None
    with database.transaction() as session:
        if not actor.can_city_wide(Action.MANAGE_TARGETS):
            _audit_denied(session, actor, "target.set", obj, client_address, moment)
        else:
            version = store.append_version(
                session, target_id, store.SET, entry, recorded_by=actor.name, recorded_at=moment
            )
            audit.append(
                session,
                actor=actor.name,
                action="target.set",
                outcome="success",
                obj=obj,
                client=client_address,
                details={
                    "version": version.version,
                    "replaces": "default"
                    if target_id in current and current[target_id].origin == "default"
                    else "city"
                    if target_id in current
                    else "new",
                    "rule": target.rule.describe_vi(),
                    "period": target.period,
                    "source_status": target.source_status.value,
                    "document": entry.get("document"),
                },
                at=aware_utc(moment),
            )
    if version is None:
        raise _denied()
    return replace(target, origin="city", version=version.version)


def retire_target(
    database: Database,
    actor: Actor,
    target_id: str,
    *,
    reason: str = "",
    client_address: str = "",
    now: datetime | None = None,
) -> store.TargetVersion:
    """Take ``target_id`` out of the targets in force from now on (a new ``retire`` version: its history,
    and a shipped default in the file, stay)."""
    moment = naive_utc(now)
    obj = f"target:{target_id}"
    current = {t.id: t for t in effective_targets(database).targets}
    version: store.TargetVersion | None = None
    with database.transaction() as session:
        if not actor.can_city_wide(Action.MANAGE_TARGETS):
            _audit_denied(session, actor, "target.retire", obj, client_address, moment)
        elif target_id not in current:
            raise NotFound(
                f"Không có chỉ tiêu {target_id!r} đang áp dụng.", f"No target {target_id!r} in force."
            )
        else:
            version = store.append_version(
                session,
                target_id,
                store.RETIRE,
                target_entry(current[target_id]),
                recorded_by=actor.name,
                recorded_at=moment,
                reason=reason.strip(),
            )
            audit.append(
                session,
                actor=actor.name,
                action="target.retire",
                outcome="success",
                obj=obj,
                client=client_address,
                details={"version": version.version, "reason": reason.strip()},
                at=aware_utc(moment),
            )
    if version is None:
        raise _denied()
    return version


# --- helpers ------------------------------------------------------------------------------------------


def _denied() -> PermissionDenied:
    return PermissionDenied(
        "Chỉ quản trị viên toàn thành phố được quản lý chỉ tiêu.",
        "Only a city-wide administrator may manage targets.",
    )


def _require(actor: Actor) -> None:
    if not actor.can_city_wide(Action.MANAGE_TARGETS):
        raise _denied()


def _audit_denied(
    session: Any, actor: Actor, action: str, obj: str, client_address: str, moment: datetime
) -> None:
    audit.append(
        session,
        actor=actor.name,
        action=action,
        outcome="denied",
        obj=obj,
        client=client_address,
        details={"reason": "manage_targets_city_wide_required"},
        at=aware_utc(moment),
    )


def _check_id(target_id: str) -> None:
    if not TARGET_ID.match(target_id):
        raise InvalidInput(
            f"Mã chỉ tiêu {target_id!r} không hợp lệ: chữ thường không dấu, số và dấu gạch ngang (2–80 ký tự).",
            f"Invalid target id {target_id!r}: lower-case letters, digits and hyphens (2–80 characters).",
        )


def _check_document(document: SourceDocument) -> None:
    missing = [
        name
        for name, value in (
            ("number", document.number),
            ("issuer", document.issuer),
            ("wording", document.wording),
        )
        if not value.strip()
    ]
    if missing:
        raise InvalidInput(
            f"Văn bản thiếu: {', '.join(missing)} (cần số, ngày, cơ quan ban hành và nội dung chỉ tiêu).",
            f"The document lacks: {', '.join(missing)} (number, date, issuing body and wording are needed).",
        )
    if not EARLIEST_DOCUMENT <= document.issued <= today_local():
        raise InvalidInput(
            f"Ngày ban hành {document.issued:%d/%m/%Y} không hợp lệ (không được sau hôm nay).",
            f"Invalid date of issue {document.issued:%d/%m/%Y} (it cannot be after today).",
        )
    if document.url and not document.url.startswith(("https://", "http://")):
        raise InvalidInput(
            "Địa chỉ văn bản phải bắt đầu bằng http(s)://.", "The URL must start with http(s)://."
        )


def _merged(
    current: Target | None, target_id: str, changes: Mapping[str, Any], document: SourceDocument | None
) -> dict[str, Any]:
    """The entry of the new version: the current definition (if any) with ``changes``; the source is the
    new document only — a new figure is never credited to the document of the old one."""
    entry: dict[str, Any] = target_entry(current) if current else {"id": target_id, "unit_scope": "city"}
    changes = {k: v for k, v in changes.items() if v is not None and v != ""}
    rule = changes.pop("rule", None)
    entry.update(changes)
    if rule:
        same_kind = (
            current is not None and rule.get("kind", current.rule.kind.value) == current.rule.kind.value
        )
        entry["rule"] = {**entry["rule"], **rule} if same_kind else dict(rule)
    entry["id"] = target_id
    entry["basis"] = ""
    entry["source"] = ""
    entry.pop("document", None)
    if document is None:
        entry |= {"source_status": "none", "source_url": ""}
    else:
        entry |= {
            "source_status": "document",
            "source_url": document.url,
            "document": {
                "number": document.number,
                "issued": document.issued.isoformat(),
                "issuer": document.issuer,
                "title": document.title,
                "wording": document.wording,
                "url": document.url,
            },
        }
        entry["source"] = f"{document.title or document.kind_vi()} số {document.number}".strip()
    return entry


def _parsed(entry: dict[str, Any]) -> Target:
    missing = [k for k in ("name_vi", "group", "indicator", "rule", "period") if not entry.get(k)]
    if missing:
        raise InvalidInput(
            f"Chỉ tiêu mới thiếu: {', '.join(missing)}.", f"A new target lacks: {', '.join(missing)}."
        )
    (target,) = parse_targets({"targets": [entry]})[1]
    if target.group not in GROUPS_VI:
        raise InvalidInput(
            f"Nhóm chỉ tiêu {target.group!r} không có; các nhóm: {', '.join(GROUPS_VI)}.",
            f"No target group {target.group!r}; groups: {', '.join(GROUPS_VI)}.",
        )
    parse_period(target.period)  # InvalidInput, in both languages, when malformed
    return target
