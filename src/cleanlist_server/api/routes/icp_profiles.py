"""/v1/icp-profiles: the account's ideal customer profiles (docs/leads.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.routes.enrich import json
from cleanlist_server.api.schemas import (
    ErrorBody,
    IcpProfile,
    IcpProfileCreate,
    IcpProfileDeleted,
    IcpProfileList,
    IcpProfileUpdate,
)
from cleanlist_server.services.enrich import Caller

router = APIRouter(prefix="/v1/icp-profiles", tags=["icp profiles"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 404, 409, 422)
}
Authenticated = Annotated[Caller, Depends(authenticate)]


@router.post(
    "",
    status_code=201,
    response_model=IcpProfile,
    responses=ERRORS,
    summary="Create an ICP profile",
)
async def create_profile(
    body: IcpProfileCreate, request: Request, caller: Authenticated
) -> Response:
    service = request.app.state.container.profiles
    created = await service.create(caller.account_id, body.model_dump(exclude_unset=True))
    return json(created, 201)


@router.get(
    "",
    response_model=IcpProfileList,
    responses=ERRORS,
    summary="List the account's ICP profiles (the built-in default on first use)",
)
async def list_profiles(request: Request, caller: Authenticated) -> Response:
    profiles = await request.app.state.container.profiles.list(caller.account_id)
    return json({"data": profiles})


@router.get(
    "/{profile_id}", response_model=IcpProfile, responses=ERRORS, summary="Get an ICP profile"
)
async def get_profile(profile_id: str, request: Request, caller: Authenticated) -> Response:
    return json(await request.app.state.container.profiles.get(caller.account_id, profile_id))


@router.patch(
    "/{profile_id}",
    response_model=IcpProfile,
    responses=ERRORS,
    summary="Change an ICP profile (only the fields given)",
)
async def update_profile(
    profile_id: str, body: IcpProfileUpdate, request: Request, caller: Authenticated
) -> Response:
    service = request.app.state.container.profiles
    changes = body.model_dump(exclude_unset=True)
    return json(await service.update(caller.account_id, profile_id, changes))


@router.delete(
    "/{profile_id}",
    response_model=IcpProfileDeleted,
    responses=ERRORS,
    summary="Delete an ICP profile (deleting the default promotes the oldest other one)",
)
async def delete_profile(profile_id: str, request: Request, caller: Authenticated) -> Response:
    return json(await request.app.state.container.profiles.delete(caller.account_id, profile_id))
