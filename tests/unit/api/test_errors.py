from __future__ import annotations

import pytest
from fastapi.exceptions import RequestValidationError

from cleanlist_server.api.errors import translate_validation


@pytest.mark.parametrize(
    ("error", "status", "code", "param"),
    [
        ({"type": "json_invalid", "loc": ("body", 3), "msg": "x"}, 400, "invalid_json", "body"),
        ({"type": "missing", "loc": ("body",), "msg": "x"}, 400, "missing_body", "body"),
        (
            {"type": "extra_forbidden", "loc": ("body", "colour"), "msg": "x"},
            422,
            "unknown_parameter",
            "colour",
        ),
        (
            {"type": "string_type", "loc": ("body", "email"), "msg": "x"},
            422,
            "invalid_parameter",
            "email",
        ),
        (
            {"type": "int_parsing", "loc": ("query", "limit"), "msg": "x"},
            422,
            "invalid_parameter",
            "limit",
        ),
    ],
)
def test_validation_errors_name_the_parameter(
    error: dict[str, object], status: int, code: str, param: str
) -> None:
    err = translate_validation(RequestValidationError([error]))
    assert (err.status, err.code, err.param) == (status, code, param)
    assert err.body()["error"]["param"] == param
