"""Unauthenticated liveness endpoints (``/healthz``, and ``/hello`` for benchmarks)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import Response

router = APIRouter(tags=["health"])
HELLO = b'{"hello":"world"}'


@router.get("/healthz", summary="Liveness and database reachability")
async def healthz(request: Request) -> dict[str, str]:
    async with request.app.state.container.db.read() as conn:
        await conn.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/hello", summary="A bare endpoint, the yardstick of bench/kb_enrich.py")
async def hello() -> Response:
    return Response(HELLO, media_type="application/json")
