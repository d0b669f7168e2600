"""POST /v1/events: the account's own web activity, for intent signals (docs/leads.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.routes.enrich import json
from cleanlist_server.api.schemas import ErrorBody, EventBatch, EventsAccepted
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1", tags=["intent"])


@router.post(
    "/events",
    response_model=EventsAccepted,
    responses={code: {"model": ErrorBody} for code in (400, 401, 413, 422)},
    summary="Record page views and form submissions (1 to 1,000, all or nothing)",
)
async def record_events(
    body: EventBatch, request: Request, caller: Annotated[Caller, Depends(authenticate)]
) -> Response:
    service = request.app.state.container.events
    return json(await service.record(caller.account_id, body.events))
