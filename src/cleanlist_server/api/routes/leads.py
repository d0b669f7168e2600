"""POST /v1/enrich/lead (docs/leads.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from starlette.responses import Response

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.routes.enrich import ERRORS, Expand, json, shaped
from cleanlist_server.api.schemas import CompanyLeads, ErrorBody, LeadEnrichment, LeadRequest
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1", tags=["enrichment"])


@router.post(
    "/enrich/lead",
    response_model=LeadEnrichment | CompanyLeads,
    responses={**ERRORS, 404: {"model": ErrorBody}},
    summary="Enrich and ICP-score a lead, or get a company's best-fit leads",
)
async def enrich_lead(
    body: LeadRequest,
    request: Request,
    caller: Annotated[Caller, Depends(authenticate)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    expand: Expand = None,
) -> Response:
    service = request.app.state.container.leads
    result = await service.enrich(
        caller, body.model_dump(exclude_unset=True), request_key=idempotency_key
    )
    return json(shaped(result, expand))
