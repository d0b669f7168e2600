"""``client.enrich``: POST /v1/enrich/contact and POST /v1/enrich/lead."""

from __future__ import annotations

from typing import Any

from .._base_client import RequestOptions
from .._response import Result
from ._base import AsyncResource, SyncResource, compact

__all__ = ["AsyncEnrich", "Enrich"]


def _contact_options(
    body: dict[str, Any], expand: str | None, idempotency_key: str | None
) -> RequestOptions:
    params = (("expand", expand),) if expand else None
    return RequestOptions(
        "POST", "/v1/enrich/contact", json=body, params=params, idempotency_key=idempotency_key
    )


class Enrich(SyncResource):
    def contact(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_name: str | None = None,
        company_domain: str | None = None,
        include_phone: bool | None = None,
        required: list[str] | None = None,
        min_confidence: float | None = None,
        providers: list[str] | None = None,
        max_provider_cost: float | None = None,
        expand: str | None = None,
        idempotency_key: str | None = None,
        **extra: Any,
    ) -> Result:
        """Enrich one person; returns ``{"id", "status", "contact", "meta"}``.

        Identify them by ``email``, ``linkedin_url`` or a name plus ``company_name`` /
        ``company_domain``. ``include_phone=False`` caps the charge at 1 credit. The waterfall
        can be narrowed: ``required`` fields, ``min_confidence``, an explicit ``providers``
        order, ``max_provider_cost``; ``expand="provenance"`` adds per-field sources. Parameters
        left as ``None`` are not sent; ``extra`` keyword arguments are sent as additional body
        fields.
        """
        body = compact(
            {
                "email": email,
                "linkedin_url": linkedin_url,
                "first_name": first_name,
                "last_name": last_name,
                "full_name": full_name,
                "company_name": company_name,
                "company_domain": company_domain,
                "include_phone": include_phone,
                "required": required,
                "min_confidence": min_confidence,
                "providers": providers,
                "max_provider_cost": max_provider_cost,
                **extra,
            }
        )
        return self._client.request(_contact_options(body, expand, idempotency_key))

    def lead(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_name: str | None = None,
        company_domain: str | None = None,
        include_phone: bool | None = None,
        icp_profile_id: str | None = None,
        limit: int | None = None,
        idempotency_key: str | None = None,
        **extra: Any,
    ) -> Result:
        """Enrich and ICP-score one lead; returns ``{"id", "status", "lead", "meta"}``.

        Takes the same identifiers as :meth:`contact`, plus ``icp_profile_id`` (score against
        this profile instead of the account default) and ``limit`` (how many contacts to return
        when only a company is given).
        """
        body = compact(
            {
                "email": email,
                "linkedin_url": linkedin_url,
                "first_name": first_name,
                "last_name": last_name,
                "full_name": full_name,
                "company_name": company_name,
                "company_domain": company_domain,
                "include_phone": include_phone,
                "icp_profile_id": icp_profile_id,
                "limit": limit,
                **extra,
            }
        )
        return self._client.request(
            RequestOptions("POST", "/v1/enrich/lead", json=body, idempotency_key=idempotency_key)
        )


class AsyncEnrich(AsyncResource):
    async def contact(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_name: str | None = None,
        company_domain: str | None = None,
        include_phone: bool | None = None,
        required: list[str] | None = None,
        min_confidence: float | None = None,
        providers: list[str] | None = None,
        max_provider_cost: float | None = None,
        expand: str | None = None,
        idempotency_key: str | None = None,
        **extra: Any,
    ) -> Result:
        """Async :meth:`Enrich.contact`."""
        body = compact(
            {
                "email": email,
                "linkedin_url": linkedin_url,
                "first_name": first_name,
                "last_name": last_name,
                "full_name": full_name,
                "company_name": company_name,
                "company_domain": company_domain,
                "include_phone": include_phone,
                "required": required,
                "min_confidence": min_confidence,
                "providers": providers,
                "max_provider_cost": max_provider_cost,
                **extra,
            }
        )
        return await self._client.request(_contact_options(body, expand, idempotency_key))

    async def lead(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_name: str | None = None,
        company_domain: str | None = None,
        include_phone: bool | None = None,
        icp_profile_id: str | None = None,
        limit: int | None = None,
        idempotency_key: str | None = None,
        **extra: Any,
    ) -> Result:
        """Async :meth:`Enrich.lead`."""
        body = compact(
            {
                "email": email,
                "linkedin_url": linkedin_url,
                "first_name": first_name,
                "last_name": last_name,
                "full_name": full_name,
                "company_name": company_name,
                "company_domain": company_domain,
                "include_phone": include_phone,
                "icp_profile_id": icp_profile_id,
                "limit": limit,
                **extra,
            }
        )
        return await self._client.request(
            RequestOptions("POST", "/v1/enrich/lead", json=body, idempotency_key=idempotency_key)
        )
