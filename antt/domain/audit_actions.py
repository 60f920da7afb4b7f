"""The words for the codes the audit log and the import history store (issue 18: leader language).

The log keeps its codes (``user.grant``, ``import.incidents``, ``success``): they are what the hash chain
covers, what the CSV export carries and what an auditor searches for. Pages show these labels instead, the
code beside them for whoever needs it. ``tests/domain/test_audit_actions.py`` reads the source for every
action the code writes and fails on one without a label here."""

from __future__ import annotations

from collections.abc import Mapping

#: kind of import batch → (Vietnamese, English)
BATCH_KIND_LABELS: Mapping[str, tuple[str, str]] = {
    "incidents": ("Vụ việc (tệp xuất hồ sơ)", "Incidents (case export)"),
    "indicators": ("Giá trị chỉ số", "Indicator values"),
    "drug_status": ("Quyết định công nhận xã, phường không ma túy", "Drug-free recognition decisions"),
    "legacy_users": ("Tài khoản hệ thống cũ", "Accounts of the old system"),
}

#: audit action → (Vietnamese, English)
AUDIT_ACTION_LABELS: Mapping[str, tuple[str, str]] = {
    "access.denied": ("Bị từ chối truy cập", "Access refused"),
    "alert.acknowledge": ("Xác nhận đã xem cảnh báo", "Alert acknowledged"),
    "alert.mail": ("Gửi e-mail cảnh báo", "Alert e-mail sent"),
    "survey.remind": ("Gửi nhắc nộp khảo sát ma túy", "Drug survey reminder sent"),
    "audit.checkpoint": ("Lập điểm kiểm tra nhật ký", "Audit log checkpoint"),
    "audit.export": ("Xuất nhật ký kiểm tra", "Audit log exported"),
    "audit.read": ("Xem nhật ký kiểm tra", "Audit log read"),
    "audit.verify": ("Kiểm tra tính toàn vẹn nhật ký", "Audit log checked"),
    "auth.break_glass": ("Đăng nhập khẩn cấp", "Emergency sign-in"),
    "auth.session_end": ("Kết thúc phiên làm việc", "Session ended"),
    "auth.sign_in": ("Đăng nhập", "Sign-in"),
    "auth.sign_out": ("Đăng xuất", "Sign-out"),
    "db.backup": ("Sao lưu cơ sở dữ liệu", "Database backed up"),
    "db.copy": ("Sao chép cơ sở dữ liệu", "Database copied"),
    "db.restore": ("Khôi phục cơ sở dữ liệu", "Database restored"),
    "db.verify": ("Kiểm tra bản sao lưu", "Backup checked"),
    "drug_survey.review": ("Duyệt phiếu khảo sát ma túy", "Drug survey reviewed"),
    "drug_survey.submit": ("Gửi phiếu khảo sát ma túy", "Drug survey submitted"),
    "drug_survey.campaign": ("Lập đợt khảo sát ma túy", "Drug survey campaign set up"),
    "drug_survey.template": ("Tải mẫu phiếu khảo sát ma túy", "Drug survey template downloaded"),
    "drug_survey.form": ("Thêm mẫu phiếu khảo sát", "Survey form added"),
    "drug_survey.attachment": ("Mở tệp đính kèm phiếu khảo sát", "Survey attachment opened"),
    "export.csv": ("Xuất bảng (CSV)", "Table exported (CSV)"),
    "incidents.persons": ("Xem đối tượng của vụ việc", "Persons of an incident viewed"),
    "incidents.reassign_units": ("Chuyển vụ việc sang đơn vị mới", "Incidents moved to the new units"),
    "networks.alerts": ("Xem cảnh báo nhóm đồng phạm", "Co-offending group alerts viewed"),
    "networks.groups": ("Xem nhóm đồng phạm", "Co-offending groups viewed"),
    "report.export": ("Xuất báo cáo", "Report exported"),
    "report_draft.create": ("Tạo dự thảo báo cáo", "Report draft created"),
    "report_draft.save": ("Lưu dự thảo báo cáo", "Report draft saved"),
    "report_draft.submit": ("Trình duyệt dự thảo báo cáo", "Report draft submitted"),
    "report_draft.approve": ("Duyệt dự thảo báo cáo", "Report draft approved"),
    "report_draft.return": ("Trả lại dự thảo báo cáo", "Report draft returned"),
    "target.retire": ("Bãi bỏ chỉ tiêu", "Target retired"),
    "target.set": ("Đặt chỉ tiêu", "Target set"),
    "user.disable": ("Vô hiệu hóa tài khoản", "Account disabled"),
    "user.grant": ("Cấp quyền", "Rights granted"),
    "user.link_legacy": ("Nhận tài khoản hệ thống cũ qua VNeID", "Old account taken over through VNeID"),
    "user.lock": ("Khóa tài khoản", "Account locked"),
    "user.provision": ("Tạo tài khoản", "Account created"),
    "user.register_legacy": ("Ghi nhận tài khoản hệ thống cũ", "Old account registered"),
    "user.revoke": ("Thu hồi quyền", "Rights revoked"),
    "users.lock_legacy": ("Khóa các tài khoản hệ thống cũ", "Old accounts locked"),
    "users.lock_legacy_scheduled": (
        "Hẹn ngày khóa tài khoản hệ thống cũ",
        "Locking of old accounts scheduled",
    ),
    "users.lock_legacy_cancelled": ("Hủy hẹn khóa tài khoản hệ thống cũ", "Scheduled locking cancelled"),
    "warn.scan": ("Quét cảnh báo sớm", "Early-warning scan"),
} | {
    f"import.{kind}": (f"Nhập dữ liệu: {vi[0].lower()}{vi[1:]}", f"Import: {en[0].lower()}{en[1:]}")
    for kind, (vi, en) in BATCH_KIND_LABELS.items()
}

#: audit outcome → (Vietnamese, English)
AUDIT_OUTCOME_LABELS: Mapping[str, tuple[str, str]] = {
    "ok": ("Thành công", "Done"),
    "success": ("Thành công", "Done"),
    "failure": ("Không thành công", "Failed"),
    "denied": ("Bị từ chối", "Refused"),
    "error": ("Lỗi", "Error"),
}
