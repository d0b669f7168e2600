"""POST /v1/verify/email and POST /v1/verify/email/batch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.routes.enrich import json
from cleanlist_server.api.schemas import (
    ErrorBody,
    VerifyBatchRequest,
    VerifyBatchResponse,
    VerifyRequest,
    VerifyResult,
)
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1/verify", tags=["verification"])
ERRORS: dict[int | str, dict[str, object]] = {c: {"model": ErrorBody} for c in (400, 401, 413, 422)}


@router.post(
    "/email",
    response_model=VerifyResult,
    responses=ERRORS,
    summary="Verify one email address: syntax, DNS/MX and a live SMTP handshake",
)
async def verify_email(
    body: VerifyRequest, request: Request, caller: Annotated[Caller, Depends(authenticate)]
) -> Response:
    return json(await request.app.state.container.verifier.verify(body.email))


@router.post(
    "/email/batch",
    response_model=VerifyBatchResponse,
    responses=ERRORS,
    summary="Verify up to 1,000 addresses, sharing SMTP sessions per mail server",
)
async def verify_batch(
    body: VerifyBatchRequest, request: Request, caller: Annotated[Caller, Depends(authenticate)]
) -> Response:
    results = await request.app.state.container.verifier.verify_batch(body.emails)
    return json({"results": results})
