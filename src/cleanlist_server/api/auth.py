"""Bearer-key authentication for every /v1 route."""

from __future__ import annotations

from fastapi import Request

from cleanlist_server.errors import AuthenticationFailed
from cleanlist_server.services.enrich import Caller
from cleanlist_server.storage.accounts import KEY_RE, find_caller, hash_key

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="cleanlist"'}


def _fail(message: str, code: str) -> AuthenticationFailed:
    return AuthenticationFailed(message, param="Authorization", code=code, headers=CHALLENGE)


async def authenticate(request: Request) -> Caller:
    header = request.headers.get("authorization")
    if not header:
        raise _fail(
            "Missing API key: send 'Authorization: Bearer clnl_live_...'.", "missing_api_key"
        )
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not KEY_RE.match(token):
        raise _fail(
            "Malformed API key: expected 'Bearer clnl_live_...' or 'clnl_test_...'.",
            "malformed_api_key",
        )
    async with request.app.state.container.db.read() as conn:
        row = await find_caller(conn, hash_key(token))
    if row is None:
        raise _fail("Unknown API key.", "invalid_api_key")
    if row["revoked_at"] is not None:
        raise _fail("This API key has been revoked.", "revoked_api_key")
    return Caller(
        account_id=row["account_id"],
        key_id=row["key_id"],
        mode=row["mode"],
        free_balance=row["free_balance"],
        paid_balance=row["paid_balance"],
        period=row["period"],
    )
