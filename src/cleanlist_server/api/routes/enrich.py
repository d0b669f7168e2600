"""POST /v1/enrich/contact and GET /v1/enrichments/{id}."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import Response

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.schemas import (
    CompanyLeads,
    ContactEnrichment,
    ContactRequest,
    ErrorBody,
    LeadEnrichment,
)
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1", tags=["enrichment"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 402, 409, 413, 422, 429)
}


Expand = Annotated[
    str | None,
    Query(
        description="`provenance` adds per-field sources, confidences and rejected "
        "candidates, and the providers called.",
        pattern="^provenance$",
    ),
]


def json(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def shaped(result: dict[str, Any], expand: str | None) -> dict[str, Any]:
    """The seed's shape, plus ``provenance`` only when asked for."""
    if expand == "provenance":
        return result
    return {k: v for k, v in result.items() if k != "provenance"}


@router.post(
    "/enrich/contact",
    response_model=ContactEnrichment,
    responses=ERRORS,
    summary="Enrich a contact from an email, a LinkedIn URL, or a name and company",
)
async def enrich_contact(
    body: ContactRequest,
    request: Request,
    caller: Annotated[Caller, Depends(authenticate)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    expand: Expand = None,
) -> Response:
    service = request.app.state.container.contacts
    result = await service.enrich(
        caller, body.model_dump(exclude_unset=True), request_key=idempotency_key
    )
    return json(shaped(result, expand))


@router.get(
    "/enrichments/{enrichment_id}",
    response_model=ContactEnrichment | LeadEnrichment | CompanyLeads,
    responses={404: {"model": ErrorBody}, 401: {"model": ErrorBody}},
    summary="Fetch a past enrichment of this account",
)
async def get_enrichment(
    enrichment_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(authenticate)],
    expand: Expand = None,
) -> Response:
    found = await request.app.state.container.contacts.get(caller, enrichment_id)
    return json(shaped(found, expand))
