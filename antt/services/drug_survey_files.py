"""The commune drug-control survey offline: the Excel template of a commune's survey, and a filled one read
back (issue 15).

- :func:`survey_template` — the ``.xlsx`` of one commune and year, the answers already given filled in;
  for whoever may enter that commune's survey; audited (``drug_survey.template``).
- :func:`import_survey_file` — a filled template checked like the web form (the same
  :func:`~antt.domain.drug_survey.checked_answers`) plus the template's own structure; every problem listed
  in both languages with file, row, column, value and rule; nothing written on any. Stored through the
  same :func:`~antt.services.drug_survey.save_answers` as the web form, so the same answers make the same
  record; audited as ``drug_survey.submit`` with ``via: xlsx``, the file's name and SHA-256.

The commune comes from the page (``unit_code``): a template of another commune is refused, listed as a
problem. The command line gives none: the commune in the file's header is used, within the actor's scope.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from antt.domain.access import Actor
from antt.domain.periods import today_local
from antt.errors import ImportRejected, Issue, NotFound, PermissionDenied
from antt.importers.drug_survey import MAX_FILE_BYTES, UNIT_ROW, read_template, write_template
from antt.services.drug_survey import (
    MIN_YEAR,
    SurveyRecord,
    entering_commune,
    form_of_year,
    get_survey,
    missing_attachments,
    save_answers,
    survey_year,
)
from antt.storage import audit
from antt.storage.engine import Database

MAX_TEMPLATE_BYTES = MAX_FILE_BYTES  # the largest filled template read (the web and the CLI refuse more)


@dataclass(frozen=True)
class SurveyFileResult:
    file_name: str
    sha256: str
    unit_code: str
    year: int
    answers: dict[str, object]
    dry_run: bool
    record: SurveyRecord | None  # None on a dry run


def template_name(unit_code: str, year: int) -> str:
    return f"khao-sat-ma-tuy-{unit_code}-{year}.xlsx"


def survey_template(
    database: Database,
    actor: Actor,
    unit_code: str,
    year: int | None = None,
    *,
    client: str = "",
    now: datetime | None = None,
) -> tuple[str, bytes]:
    """``(file name, xlsx bytes)`` of the commune's template for ``year`` (default this year)."""
    unit = entering_commune(actor, unit_code)
    wanted = survey_year(year, today_local(now or datetime.now(UTC)))
    found = get_survey(database, actor, unit.code, wanted)
    form = form_of_year(database, wanted)
    answers = found.answers if found is not None and found.form_version == form.code else {}
    content = write_template(unit.code, unit.name, wanted, answers, form)
    with database.transaction() as session:
        audit.append(
            session,
            actor=actor.name,
            action="drug_survey.template",
            outcome="success",
            obj=f"drug_survey:{wanted}:{unit.code}",
            client=client,
            details={"year": wanted, "unit": unit.code, "prefilled": bool(answers), "form": form.code},
        )
    return template_name(unit.code, wanted), content


def import_survey_file(
    database: Database,
    actor: Actor,
    content: bytes,
    file_name: str,
    *,
    unit_code: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    client: str = "",
    now: datetime | None = None,
) -> SurveyFileResult:
    """Check the filled template ``content`` and, unless ``dry_run``, store its answers as the commune's
    survey. ``unit_code`` / ``year``: the commune and year the upload is for (the page's); the file must
    be theirs. Raises :class:`ImportRejected` listing every problem; nothing is written then."""
    today = today_local(now or datetime.now(UTC))
    expected = entering_commune(actor, unit_code) if unit_code is not None else None
    wanted = survey_year(year, today) if year is not None else None
    filled = read_template(
        content,
        file_name,
        expected_unit=expected.code if expected else None,
        expected_year=wanted,
        years=(MIN_YEAR, today.year),
        form_of=lambda year: form_of_year(database, year),
    )
    unit = expected
    if unit is None:
        try:
            unit = entering_commune(actor, filled.unit_code)
        except (NotFound, PermissionDenied) as refused:
            raise ImportRejected(
                refused.message_vi,
                refused.message_en,
                [
                    Issue(
                        "survey.template.unit",
                        f"Không nhập được phiếu của xã, phường mã {filled.unit_code}: {refused.message_vi}",
                        f"Cannot enter the survey of commune {filled.unit_code}: {refused.message_en}",
                        file=file_name,
                        row=UNIT_ROW,
                        column="B",
                        value=filled.unit_code,
                    )
                ],
            ) from refused
    form = form_of_year(database, filled.year)
    missing = missing_attachments(database, form, filled.year, unit, set())
    if missing:
        raise ImportRejected(
            f"{file_name}: phiếu còn thiếu {len(missing)} tệp đính kèm bắt buộc; chưa lưu gì.",
            f"{file_name}: the survey lacks {len(missing)} required attachment(s); nothing was saved.",
            [replace(i, file=file_name) for i in missing],
        )
    sha256 = hashlib.sha256(content).hexdigest()
    record = None
    if not dry_run:
        record = save_answers(
            database,
            actor,
            unit,
            filled.year,
            filled.answers,
            client=client,
            now=now,
            via={"via": "xlsx", "file": file_name, "sha256": sha256},
            form=form,
        )
    return SurveyFileResult(file_name, sha256, unit.code, filled.year, filled.answers, dry_run, record)
