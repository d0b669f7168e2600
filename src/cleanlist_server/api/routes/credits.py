"""GET /v1/credits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.schemas import Credits, ErrorBody
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1", tags=["credits"])


@router.get("/credits", response_model=Credits, responses={401: {"model": ErrorBody}})
async def get_credits(
    request: Request, caller: Annotated[Caller, Depends(authenticate)]
) -> dict[str, object]:
    summary: dict[str, object] = await request.app.state.container.credits.summary(
        caller.account_id
    )
    return summary
