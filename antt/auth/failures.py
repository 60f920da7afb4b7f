"""Why a sign-in failed: one machine reason code each, with the message a user sees (Vietnamese, English).

Every failure in :mod:`antt.auth` raises :class:`antt.errors.SignInFailed` through :func:`sign_in_failed`,
so the web layer translates one error type and the audit record keeps the reason code. Messages say what
the user can do; the ``detail`` (for the log) says what exactly was wrong.
"""

from __future__ import annotations

from antt.errors import SignInFailed

_AGAIN_VI = "Vui lòng đăng nhập lại."
_AGAIN_EN = "Please sign in again."
_PROVIDER_VI = "Máy chủ định danh trả lời không hợp lệ; vui lòng thử lại sau hoặc báo quản trị viên."
_PROVIDER_EN = "The identity provider answered incorrectly; try again later or tell the administrator."
_BAD_ID_VI = "Thẻ định danh (ID token) không hợp lệ"
_BAD_ID_EN = "The identity token (ID token) is not valid"

#: reason code -> (Vietnamese, English) message for the user
MESSAGES: dict[str, tuple[str, str]] = {
    # the authorization response (the browser comes back to the callback)
    "bad_state": (
        f"Phản hồi đăng nhập không khớp với phiên đăng nhập này (state). {_AGAIN_VI}",
        f"The sign-in response does not belong to this sign-in (state). {_AGAIN_EN}",
    ),
    "sign_in_expired": (
        f"Phiên đăng nhập đã quá hạn. {_AGAIN_VI}",
        f"The sign-in took too long. {_AGAIN_EN}",
    ),
    "provider_error": (
        "Máy chủ định danh từ chối yêu cầu đăng nhập.",
        "The identity provider refused the sign-in request.",
    ),
    "missing_code": (
        f"Phản hồi đăng nhập thiếu mã cấp quyền. {_AGAIN_VI}",
        f"The sign-in response has no authorization code. {_AGAIN_EN}",
    ),
    "wrong_response_issuer": (
        "Phản hồi đăng nhập đến từ một máy chủ định danh khác (iss).",
        "The sign-in response comes from another identity provider (iss).",
    ),
    "missing_response_issuer": (
        "Phản hồi đăng nhập thiếu tham số iss mà máy chủ định danh đã cam kết gửi.",
        "The sign-in response lacks the iss parameter the identity provider promises to send.",
    ),
    # talking to the provider
    "discovery_failed": (
        f"Không đọc được cấu hình của máy chủ định danh. {_PROVIDER_VI}",
        f"Cannot read the identity provider's configuration. {_PROVIDER_EN}",
    ),
    "issuer_mismatch_discovery": (
        "Cấu hình của máy chủ định danh ghi một issuer khác với issuer đã cấu hình.",
        "The identity provider's configuration names another issuer than the one configured.",
    ),
    "insecure_endpoint": (
        "Máy chủ định danh công bố một địa chỉ không dùng HTTPS.",
        "The identity provider publishes an address that does not use HTTPS.",
    ),
    "pkce_unsupported": (
        "Máy chủ định danh không hỗ trợ PKCE S256.",
        "The identity provider does not support PKCE S256.",
    ),
    "jwks_failed": (
        f"Không đọc được khoá ký của máy chủ định danh. {_PROVIDER_VI}",
        f"Cannot read the identity provider's signing keys. {_PROVIDER_EN}",
    ),
    "token_error": (
        f"Máy chủ định danh không cấp thẻ cho mã đăng nhập này. {_AGAIN_VI}",
        f"The identity provider did not issue tokens for this sign-in code. {_AGAIN_EN}",
    ),
    # the ID token
    "malformed_token": (f"{_BAD_ID_VI}: sai định dạng.", f"{_BAD_ID_EN}: malformed."),
    "alg_not_allowed": (
        f"{_BAD_ID_VI}: thuật toán ký không được chấp nhận.",
        f"{_BAD_ID_EN}: its signature algorithm is not accepted.",
    ),
    "unknown_key": (
        f"{_BAD_ID_VI}: ký bằng một khoá không có trong bộ khoá của máy chủ định danh.",
        f"{_BAD_ID_EN}: signed with a key the identity provider does not publish.",
    ),
    "bad_signature": (f"{_BAD_ID_VI}: chữ ký sai.", f"{_BAD_ID_EN}: bad signature."),
    "wrong_issuer": (
        f"{_BAD_ID_VI}: do một máy chủ khác cấp (iss).",
        f"{_BAD_ID_EN}: issued by someone else (iss).",
    ),
    "wrong_audience": (
        f"{_BAD_ID_VI}: không cấp cho ứng dụng này (aud).",
        f"{_BAD_ID_EN}: not issued for this application (aud).",
    ),
    "expired": (f"{_BAD_ID_VI}: đã hết hạn. {_AGAIN_VI}", f"{_BAD_ID_EN}: it has expired. {_AGAIN_EN}"),
    "issued_in_future": (
        f"{_BAD_ID_VI}: thời điểm cấp ở tương lai (kiểm tra đồng hồ máy chủ).",
        f"{_BAD_ID_EN}: issued in the future (check the server clock).",
    ),
    "not_yet_valid": (
        f"{_BAD_ID_VI}: chưa đến thời điểm có hiệu lực (kiểm tra đồng hồ máy chủ).",
        f"{_BAD_ID_EN}: not valid yet (check the server clock).",
    ),
    "nonce_mismatch": (
        f"{_BAD_ID_VI}: không thuộc phiên đăng nhập này (nonce). {_AGAIN_VI}",
        f"{_BAD_ID_EN}: it belongs to another sign-in (nonce). {_AGAIN_EN}",
    ),
    "missing_subject": (f"{_BAD_ID_VI}: thiếu định danh người dùng.", f"{_BAD_ID_EN}: no subject."),
    # the identity it carries
    "invalid_personal_id": (
        "Số định danh cá nhân nhận được không phải 12 chữ số.",
        "The personal identification number received is not 12 digits.",
    ),
    "insufficient_assurance": (
        "Tài khoản định danh điện tử chưa đạt mức độ xác thực yêu cầu (ví dụ: cần tài khoản mức độ 2).",
        "The e-ID account does not reach the required assurance level (e.g. a level 2 account is needed).",
    ),
}


def sign_in_failed(reason: str, detail: str | None = None) -> SignInFailed:
    """The error for ``reason`` (a key of :data:`MESSAGES`), to be raised by the caller."""
    message_vi, message_en = MESSAGES[reason]
    return SignInFailed(
        reason, f"Đăng nhập không thành công. {message_vi}", f"Sign-in failed. {message_en}", detail
    )
