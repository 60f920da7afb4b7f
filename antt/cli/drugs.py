"""``antt drugs status`` — each commune's official drug status beside its indicative QĐ 28/2025 class;
``antt drugs alerts`` — store the communes to review as alerts; ``antt drugs survey-progress`` — the
commune survey campaign's progress by commune and former district; ``antt drugs survey-remind`` — e-mail
the overdue communes to the configured recipients; ``antt drugs campaign`` — set up a year's campaign (name,
deadline, communes, form); ``antt drugs forms`` / ``form-export`` / ``form-import`` — the survey forms, a
form's definition file, a new form from one; ``antt drugs survey-template`` — a
commune's Excel survey template; ``antt drugs survey-import FILE [--dry-run]`` — a filled one, checked like
the web form (every problem listed), stored for the commune named in it."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from antt.cli.units import parse_day
from antt.domain.access import Actor
from antt.errors import InvalidInput
from antt.settings import load_settings

app = typer.Typer(help="Phòng, chống ma túy / drug control", no_args_is_help=True)
CLI_ACTOR = Actor.system("cli")
FORMATS = ("table", "json")
T = TypeVar("T")


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit():
        raise InvalidInput(
            f"Năm không hợp lệ: {text!r} (cần YYYY).", f"Invalid year {text!r} (expected YYYY)."
        )
    return int(text)


def _format(text: str) -> str:
    if text not in FORMATS:
        raise InvalidInput(
            f"Định dạng không hợp lệ: {text!r} (table hoặc json).",
            f"Invalid format {text!r} (table or json).",
        )
    return text


def _on_database(read: Callable[[Any], T], *, secrets: bool = False) -> T:
    """``read`` on the configured database at the current schema, closed afterwards (``secrets``: the
    pseudonymisation key is needed, as for writing)."""
    from antt.services.database import open_database, require_current_schema

    database = open_database(load_settings(require_secrets=secrets))
    try:
        require_current_schema(database)
        return read(database)
    finally:
        database.dispose()


def _mark(met: bool | None) -> str:
    return {True: "✓", False: "✗", None: "?"}[met]


@app.command("status")
def status_command(
    year: str | None = typer.Option(None, "--year", help="năm của số liệu phân loại (mặc định: năm vừa hết)"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="quyết định hiệu lực ngày YYYY-MM-DD (mặc định hôm nay)"
    ),
    unit: str | None = typer.Option(None, "--unit", help="mã xã/phường"),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """Tình trạng chính thức và phân loại tham khảo theo QĐ 28/2025 / official status and indicative class."""
    from antt.services.drug_classes import drug_status_report, status_document

    chosen = _format(fmt)
    day = parse_day(as_of) if as_of else None
    wanted = _year(year)
    report = _on_database(
        lambda db: drug_status_report(db, CLI_ACTOR, year=wanted, as_of=day, unit_code=unit)
    )
    if chosen == "json":
        json.dump(status_document(report), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    _print_table(report)


def _print_table(report: Any) -> None:
    console = Console(highlight=False)
    rules = report.rule_set
    console.print(
        f"Tỷ lệ xã, phường được công nhận không ma túy / recognised drug-free: {report.share.recognised}/"
        f"{report.share.communes} ({report.share.percent:.1f} %) — ngày/as of {report.as_of:%d/%m/%Y}"
    )
    console.print(
        f"Phân loại {report.indicative_label}: số liệu năm/figures of {report.year}, "
        f"bộ tiêu chí/rule set {rules.id if rules else 'chưa cấu hình / not configured'}"
    )
    table = Table(show_lines=False)
    for column in (
        "mã/code",
        "xã, phường/commune",
        "chính thức/official",
        "tham khảo/indicative",
        "tiêu chí/criteria",
        "rà soát/review",
    ):
        table.add_column(column)
    for c in report.communes:
        official = "—"
        if c.official is not None:
            official = f"{c.official.status.label_vi} ({c.official.decision.decision_number})"
            if c.official.inherited:
                official += " [kế thừa/inherited]"
        criteria = " ".join(
            f"{r.criterion.id}={'–' if r.value is None else r.value}"
            f"/{'n.c.' if r.criterion.threshold is None else r.criterion.threshold}{_mark(r.met)}"
            for r in c.indicative.criteria
            if r.criterion.measure != "unknown"
        )
        table.add_row(
            c.unit_code,
            c.unit_name,
            official,
            f"{c.indicative.label_vi} / {c.indicative.label_en}",
            criteria,
            "!" if c.review else "",
        )
    console.print(table)
    console.print(
        "n.c. = chưa cấu hình / not configured; ✓ đạt/met, ✗ không/not met, ? chưa xác định/unknown. "
        "Tiêu chí loại III và địa bàn không ma túy: chưa cấu hình / class III and drug-free criteria: "
        "not configured."
    )
    if report.province:
        console.print("Tiêu chí cấp tỉnh / province-level criteria:")
        for r in report.province:
            threshold = (
                "chưa cấu hình / not configured" if r.criterion.threshold is None else r.criterion.threshold
            )
            console.print(
                f"  {r.criterion.id}: {r.criterion.wording_vi} — {r.value} / {threshold} {_mark(r.met)}"
            )


@app.command("alerts")
def alerts_command(
    year: str | None = typer.Option(None, "--year", help="năm của số liệu (mặc định: năm vừa hết)"),
    as_of: str | None = typer.Option(None, "--as-of", help="ngày YYYY-MM-DD (mặc định hôm nay)"),
) -> None:
    """Lưu cảnh báo các xã, phường cần rà soát / store the review alerts."""
    from antt.services.drug_classes import store_drug_alerts

    day = parse_day(as_of) if as_of else None
    wanted = _year(year)
    new, updated = _on_database(lambda db: store_drug_alerts(db, CLI_ACTOR, year=wanted, as_of=day))
    Console(highlight=False).print(f"Cảnh báo mới/new alerts {len(new)}, cập nhật/updated {len(updated)}")


@app.command("survey-progress")
def survey_progress_command(
    year: str | None = typer.Option(None, "--year", help="năm khảo sát (mặc định năm nay)"),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """Tiến độ khảo sát theo xã và quận, huyện cũ / the survey campaign's progress."""
    from antt.services.drug_survey import progress_document, survey_progress

    chosen = _format(fmt)
    wanted = _year(year)
    progress = _on_database(lambda db: survey_progress(db, CLI_ACTOR, wanted))
    if chosen == "json":
        json.dump(progress_document(progress), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    console = Console(highlight=False)
    console.print(
        f"Khảo sát/survey {progress.year}: {progress.done}/{len(progress.communes)} xã, phường đã nộp / communes "
        f"done; hạn/deadline {progress.deadline:%d/%m/%Y}"
    )
    for p in progress.provinces:
        console.print(f"  {p.name}: {p.done}/{p.districts} quận, huyện cũ xong / former districts done")
    table = Table()
    for column in ("tỉnh cũ/former province", "quận, huyện cũ/former district", "xã xong/communes done", ""):
        table.add_column(column)
    for d in progress.districts:
        table.add_row(d.province_name, d.name, f"{d.done}/{d.communes}", "✓" if d.complete else "…")
    console.print(table)
    if progress.overdue:
        names = ", ".join(c.unit_name for c in progress.overdue)
        console.print(f"Quá hạn/overdue ({len(progress.overdue)}): {names}")


@app.command("campaign")
def campaign_command(
    year: str = typer.Option(..., "--year", help="năm khảo sát YYYY"),
    name: str = typer.Option(..., "--name", help="tên đợt khảo sát / the campaign's name"),
    deadline: str = typer.Option(..., "--deadline", help="hạn nộp YYYY-MM-DD"),
    unit: list[str] | None = typer.Option(
        None, "--unit", help="xã, phường được giao (lặp lại; mặc định mọi xã) / communes assigned (repeat)"
    ),
    form: str | None = typer.Option(None, "--form", help="mã mẫu phiếu (antt drugs forms) / the form's code"),
) -> None:
    """Lập hoặc sửa đợt khảo sát của năm / set up the year's survey campaign (name, deadline, communes, form)."""
    from antt.services.drug_survey import save_campaign

    wanted = _year(year)
    assert wanted is not None
    day = parse_day(deadline)
    operator = Actor.system(f"cli:{getpass.getuser()}")
    found = _on_database(
        lambda db: save_campaign(
            db, operator, year=wanted, name=name, deadline=day, units=unit, form_code=form
        )
    )
    where = (
        f"{len(found.units)} xã, phường / communes" if found.units is not None else "mọi xã / every commune"
    )
    Console(highlight=False).print(
        f"Đợt khảo sát / campaign {found.year}: {found.name}; hạn/deadline {found.deadline:%d/%m/%Y}; {where}; "
        f"mẫu/form {found.form_version}"
    )


@app.command("forms")
def forms_command(
    output_format: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """Các mẫu phiếu khảo sát / the survey forms (built-in and added)."""
    from antt.services.survey_forms import all_forms

    chosen = _format(output_format)
    entries = _on_database(all_forms)
    if chosen == "json":
        rows = [
            {
                "code": e.form.code,
                "title_vi": e.form.title_vi,
                "title_en": e.form.title_en,
                "questions": e.questions,
                "created_by": e.created_by,
                "created_at": e.created_at.isoformat() if e.created_at else None,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps({"forms": rows}, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("Mã / code", "Tên / title", "Câu hỏi / questions", "Thêm bởi / added by")
    for e in entries:
        table.add_row(e.form.code, e.form.title_vi, str(e.questions), e.created_by or "(có sẵn / built in)")
    Console(highlight=False).print(table)


@app.command("form-export")
def form_export_command(
    code: str = typer.Argument(..., help="mã mẫu phiếu / the form's code"),
    output: Path | None = typer.Option(None, "--output", "-o", help="tệp .xlsx (mặc định tên chuẩn)"),
) -> None:
    """Ghi tệp định nghĩa của một mẫu phiếu / write a form's definition file (.xlsx), to start a new one."""
    from antt.services.survey_forms import form_definition

    name, content = _on_database(lambda db: form_definition(db, CLI_ACTOR, code))
    target = output or Path(name)
    target.write_bytes(content)
    Console(highlight=False).print(f"Đã ghi / written: {target}")


@app.command("form-import")
def form_import_command(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="tệp định nghĩa .xlsx/.csv"
    ),
    code: str = typer.Option(..., "--code", help="mã mẫu mới, vd. ptmt-xa-2026 / the new form's code"),
    title_vi: str = typer.Option(..., "--title-vi", help="tên mẫu (tiếng Việt)"),
    title_en: str = typer.Option(..., "--title-en", help="the form's title (English)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ kiểm tra, không ghi / validate only"),
) -> None:
    """Thêm mẫu phiếu khảo sát từ tệp định nghĩa / add a survey form from its definition file."""
    from antt.services.survey_forms import import_form

    operator = Actor.system(f"cli:{getpass.getuser()}")
    form = _on_database(
        lambda db: import_form(
            db,
            db.settings,
            operator,
            file,
            code=code,
            title_vi=title_vi,
            title_en=title_en,
            dry_run=dry_run,
        )
    )
    done = "đã kiểm tra, chưa ghi / checked, nothing written" if dry_run else "đã thêm / added"
    Console(highlight=False).print(
        f"Mẫu/form {form.code}: {len(form.sections)} phần/sections, {len(form.order)} câu hỏi/questions — {done}"
    )


@app.command("survey-remind")
def survey_remind_command(
    year: str | None = typer.Option(None, "--year", help="năm khảo sát (mặc định năm nay)"),
) -> None:
    """Nhắc các xã quá hạn qua e-mail / e-mail the overdue communes' recipients (ANTT_ALERT_MAIL_TO)."""
    from antt.services.survey_reminders import remind_overdue

    wanted = _year(year)
    result = _on_database(lambda db: remind_overdue(db, CLI_ACTOR, year=wanted))
    console = Console(highlight=False)
    if result is None:
        console.print("Chưa cấu hình e-mail (ANTT_SMTP_HOST, ANTT_ALERT_MAIL_TO) / e-mail is not configured")
        raise typer.Exit(2)
    if result.error is not None:
        console.print(f"Không gửi được nhắc nhở / reminders not sent: {result.error}")
        raise typer.Exit(1)
    console.print(
        f"Khảo sát/survey {result.year}: {result.overdue} xã quá hạn / overdue; đã gửi tới {result.sent} "
        f"người nhận / e-mailed {result.sent} recipients"
    )


@app.command("survey-template")
def survey_template_command(
    unit: str = typer.Option(..., "--unit", help="mã xã/phường"),
    year: str | None = typer.Option(None, "--year", help="năm khảo sát (mặc định năm nay)"),
    output: Path | None = typer.Option(None, "--output", "-o", help="tệp .xlsx (mặc định tên chuẩn)"),
) -> None:
    """Tải mẫu Excel phiếu khảo sát của một xã, phường / write a commune's survey template."""
    from antt.services.drug_survey_files import survey_template

    wanted = _year(year)
    name, content = _on_database(
        lambda db: survey_template(db, Actor.system(f"cli:{getpass.getuser()}"), unit, wanted)
    )
    target = output or Path(name)
    target.write_bytes(content)
    Console(highlight=False).print(f"Đã ghi mẫu / template written: {target}")


@app.command("survey-import")
def survey_import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="mẫu .xlsx đã điền"),
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ kiểm tra, không ghi / validate only"),
) -> None:
    """Nhập phiếu khảo sát đã điền từ mẫu Excel / import a filled survey template."""
    from antt.services.drug_survey_files import MAX_TEMPLATE_BYTES, import_survey_file

    if file.stat().st_size > MAX_TEMPLATE_BYTES:
        raise InvalidInput(
            f"Tệp {file.name} quá lớn để là mẫu khảo sát.",
            f"{file.name} is too large to be a survey template.",
        )
    content = file.read_bytes()
    result = _on_database(
        lambda db: import_survey_file(
            db, Actor.system(f"cli:{getpass.getuser()}"), content, file.name, dry_run=dry_run
        ),
        secrets=True,
    )
    done = "đã kiểm tra, chưa ghi / checked, nothing written" if dry_run else "đã nộp / submitted"
    Console(highlight=False).print(
        f"{result.file_name}: xã, phường/commune {result.unit_code}, năm/year {result.year}, "
        f"{len(result.answers)} câu trả lời/answers — {done}"
    )
