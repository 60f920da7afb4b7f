"""Every audit action and import kind the code writes has its words (issue 18: no code names on pages).

The actions are read from the source, as a reviewer would: the ``action=`` of every call, the third
argument of the backup's ``record(…)``, the ``AUDIT_ACTION`` constants, and the two families written with
an f-string (``import.{kind}`` over the batch kinds, ``report_draft.{decision}`` over the decisions)."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

from antt.domain.audit_actions import AUDIT_ACTION_LABELS, AUDIT_OUTCOME_LABELS, BATCH_KIND_LABELS
from antt.services.report_drafts import DECISIONS

SOURCE = Path(__file__).resolve().parents[2] / "antt"
CODE = re.compile(r"[a-z_]+\.[a-z_]+")


def _written() -> tuple[set[str], set[str], set[str]]:
    """(actions, f-string action templates, batch kinds) written anywhere under ``antt/``."""
    actions: set[str] = set()
    templates: set[str] = set()
    kinds: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "action"
                        and isinstance(value, ast.Constant)
                        and CODE.fullmatch(str(value.value))
                    ):
                        actions.add(str(value.value))
                    if keyword.arg == "action" and isinstance(keyword.value, ast.JoinedStr):
                        templates.add(ast.unparse(keyword.value))
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "record" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                    actions.add(node.args[2].value)
                if (
                    name == "record_anonymous_failure"
                    and node.args
                    and isinstance(node.args[1], ast.Constant)
                ):
                    actions.add(node.args[1].value)
                if name == "start_batch" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                    kinds.add(node.args[1].value)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "AUDIT_ACTION":
                        actions.add(node.value.value)
                    if (
                        isinstance(target, ast.Name)
                        and target.id == "KIND"
                        and "start_batch" in path.read_text()
                    ):
                        kinds.add(node.value.value)
    return actions, templates, kinds


def test_the_source_scan_finds_the_actions_it_should() -> None:
    """The scan itself can fail: it must see actions of each shape (keyword, backup, constant, f-string)."""
    actions, templates, kinds = _written()
    assert {"user.grant", "db.backup", "export.csv", "auth.sign_in", "access.denied"} <= actions
    assert templates == {"f'import.{batch.kind}'", "f'report_draft.{decision}'"}
    assert {"incidents", "indicators", "drug_status", "legacy_users"} <= kinds


def test_every_action_and_kind_written_has_a_label() -> None:
    actions, _templates, kinds = _written()
    actions |= {f"import.{kind}" for kind in kinds} | {f"report_draft.{d}" for d in DECISIONS}
    assert sorted(actions - set(AUDIT_ACTION_LABELS)) == []
    assert sorted(kinds - set(BATCH_KIND_LABELS)) == []


def test_labels_are_words_in_both_languages() -> None:
    for table in (AUDIT_ACTION_LABELS, AUDIT_OUTCOME_LABELS, BATCH_KIND_LABELS):
        for code, (vi, en) in table.items():
            assert vi and en and vi != en, code
            assert unicodedata.is_normalized("NFC", vi), code
            assert not CODE.fullmatch(vi) and not CODE.fullmatch(en), code  # a label, not the code again
    assert AUDIT_ACTION_LABELS["import.incidents"] == (
        "Nhập dữ liệu: vụ việc (tệp xuất hồ sơ)",
        "Import: incidents (case export)",
    )
