"""POST /v1/enrich/contact and GET /v1/enrichments/{id}."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Header, Request
from starlette.responses import Response

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.schemas import ContactEnrichment, ContactRequest, ErrorBody
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1", tags=["enrichment"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 402, 409, 413, 422, 429)
}


def json(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


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
) -> Response:
    service = request.app.state.container.contacts
    result = await service.enrich(
        caller, body.model_dump(exclude_unset=True), request_key=idempotency_key
    )
    return json(result)


@router.get(
    "/enrichments/{enrichment_id}",
    response_model=ContactEnrichment,
    responses={404: {"model": ErrorBody}, 401: {"model": ErrorBody}},
    summary="Fetch a past enrichment of this account",
)
async def get_enrichment(
    enrichment_id: str, request: Request, caller: Annotated[Caller, Depends(authenticate)]
) -> Response:
    return json(await request.app.state.container.contacts.get(caller, enrichment_id))
