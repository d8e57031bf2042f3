"""Google-shaped API errors.

Every error body has the shape ``{"error": {"code", "message", "status", "details"?}}``
used by the Sheets API (the ``google.rpc.Status`` JSON mapping).
"""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"


class ApiError(Exception):
    """An error answered to the client as a Google error body."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def invalid_argument(message: str, details: list[dict[str, Any]] | None = None) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT", details)


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


def permission_denied() -> ApiError:
    return ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")


def bad_request_violations(violations: list[tuple[str, str]]) -> ApiError:
    """400 carrying every (field, description) pair, as Google's JSON parser reports them."""
    message = "\n".join(desc for _, desc in violations)
    field_violations = []
    for field, desc in violations:
        fv: dict[str, str] = {}
        if field:
            fv["field"] = field
        fv["description"] = desc
        field_violations.append(fv)
    return invalid_argument(
        message, [{"@type": BAD_REQUEST_TYPE, "fieldViolations": field_violations}]
    )


class RequestError(Exception):
    """A semantic error inside one batchUpdate request; the batch reports it with its index."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NOT_FOUND_HTML = (
    "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
    "  <title>Error 404 (Not Found)!!1</title>\n"
    "  <p><b>404.</b> <ins>That\u2019s an error.</ins>\n"
    "  <p>The requested URL <code>{path}</code> was not found on this server."
    "  <ins>That\u2019s all we know.</ins>\n"
)
