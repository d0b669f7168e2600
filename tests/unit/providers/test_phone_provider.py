"""The phone provider: numbering-plan facts about numbers found earlier in the waterfall."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from cleanlist_server.domain.enums import PhoneType
from cleanlist_server.domain.fields import CONTACT_FIELDS
from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.providers.base import Provider
from cleanlist_server.providers.phone import PhoneProvider, inspect_number

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

DE_MOBILE = "+491711234567"  # T-Mobile range
DE_BERLIN = "+4930901820"  # Berlin fixed line
GB_LONDON = "+442079460000"  # London fixed line
FR_MOBILE = "+33612345678"  # SFR range
US_SF = "+14155552671"  # San Francisco: fixed line or mobile
US_TOLL_FREE = "+18005551234"


def provider() -> PhoneProvider:
    return PhoneProvider(clock=lambda: NOW)


def query(**known: Any) -> Query:
    return Query(account_id=1).with_known(known)


async def lookup(**known: Any) -> ProviderResult:
    return await provider().lookup(query(**known))


def values(result: ProviderResult) -> dict[str, tuple[Any, float]]:
    return {name: (fv.value, fv.confidence) for name, fv in result.fields.items()}


# -- inspect_number -------------------------------------------------------------------------


def test_inspect_a_german_mobile() -> None:
    intel = inspect_number(DE_MOBILE)
    assert intel is not None
    assert intel.e164 == DE_MOBILE
    assert intel.line_type == "mobile"
    assert (intel.region, intel.country) == ("DE", "Germany")
    assert intel.carrier == "T-Mobile"
    assert intel.time_zones == ("Europe/Berlin",)
    assert intel.timezone == "Europe/Berlin"
    assert intel.region_assumed is False


def test_inspect_a_north_american_number() -> None:
    intel = inspect_number("+1 (415) 555-2671")
    assert intel is not None
    assert intel.e164 == US_SF
    assert intel.line_type == "fixed_line_or_mobile"
    assert (intel.region, intel.country) == ("US", "United States")
    assert intel.carrier is None
    assert intel.location == "San Francisco, CA"
    assert intel.timezone == "America/Los_Angeles"


def test_a_toll_free_number_has_no_single_time_zone() -> None:
    intel = inspect_number(US_TOLL_FREE)
    assert intel is not None
    assert intel.line_type == "toll_free"
    assert len(intel.time_zones) > 1
    assert intel.timezone is None


def test_national_form_uses_the_default_region_and_says_so() -> None:
    assert inspect_number("030 901820") is None
    intel = inspect_number("030 901820", "DE")
    assert intel is not None
    assert intel.e164 == DE_BERLIN
    assert intel.line_type == "fixed_line"
    assert intel.region_assumed is True


@pytest.mark.parametrize("raw", ["12", "+1 555 0100", "not a number", "+49 171 12"])
def test_invalid_numbers_are_none(raw: str) -> None:
    assert inspect_number(raw, "US") is None


# -- the provider ---------------------------------------------------------------------------


def test_it_is_a_free_provider() -> None:
    p = provider()
    assert isinstance(p, Provider)
    assert (p.name, p.requires_key, p.cost_per_call, p.cost_per_hit) == ("phone", False, 0, 0)
    assert p.fields <= set(CONTACT_FIELDS)


@pytest.mark.parametrize(
    ("known", "accepted"),
    [
        ({}, False),
        ({"email": "ada@acme.test"}, False),
        ({"phone": "12"}, False),
        ({"phone": ""}, False),
        ({"phone": DE_MOBILE}, True),
        ({"mobile": FR_MOBILE}, True),
        ({"company_phone": DE_BERLIN}, True),
        ({"phone": "(415) 555-2671"}, True),
    ],
)
def test_accepts_only_a_valid_number(known: Mapping[str, Any], accepted: bool) -> None:
    assert provider().accepts(query(**known)) is accepted


@pytest.mark.parametrize(
    ("known", "phone_type", "confidence"),
    [
        ({"phone": DE_MOBILE}, PhoneType.MOBILE, 0.9),
        ({"phone": US_SF, "company_phone": US_SF}, PhoneType.HQ_SWITCHBOARD, 0.9),
        ({"phone": US_TOLL_FREE}, PhoneType.HQ_SWITCHBOARD, 0.6),
        ({"phone": GB_LONDON}, PhoneType.DIRECT_DIAL, 0.5),
        ({"phone": US_SF}, PhoneType.DIRECT_DIAL, 0.35),
        ({"phone": US_SF, "mobile": US_SF}, PhoneType.MOBILE, 0.7),
        # Filed as a mobile, but the plan says fixed line: the plan wins.
        ({"phone": GB_LONDON, "mobile": GB_LONDON}, PhoneType.DIRECT_DIAL, 0.5),
    ],
)
async def test_phone_type(
    known: Mapping[str, Any], phone_type: PhoneType, confidence: float
) -> None:
    result = await lookup(**known)
    assert result.matched
    assert values(result)["phone_type"] == (phone_type.value, confidence)


async def test_hints_when_the_record_has_no_location() -> None:
    result = await lookup(phone=DE_MOBILE)
    assert values(result) == {
        "phone_type": ("mobile", 0.9),
        "country_code": ("DE", 0.5),
        "country": ("Germany", 0.5),
        "timezone": ("Europe/Berlin", 0.4),
    }
    for fv in result.fields.values():
        assert (fv.source, fv.observed_at) == ("phone", NOW)


async def test_the_mobile_is_the_better_hint_of_where_a_person_is() -> None:
    result = await lookup(phone=GB_LONDON, mobile=FR_MOBILE)
    got = values(result)
    assert got["country_code"] == ("FR", 0.5)
    assert got["timezone"] == ("Europe/Paris", 0.4)
    assert got["phone_type"] == ("direct_dial", 0.5)


async def test_no_country_hint_over_a_known_country() -> None:
    result = await lookup(phone=DE_MOBILE, country_code="DE", country="Germany")
    assert values(result) == {
        "phone_type": ("mobile", 0.9),
        "timezone": ("Europe/Berlin", 0.4),
    }


async def test_no_time_zone_hint_when_the_number_is_from_another_country() -> None:
    result = await lookup(phone=DE_MOBILE, country_code="FR")
    assert values(result) == {"phone_type": ("mobile", 0.9)}


async def test_no_hint_over_a_known_time_zone() -> None:
    result = await lookup(phone=DE_MOBILE, country_code="DE", timezone="Europe/Berlin")
    assert values(result) == {"phone_type": ("mobile", 0.9)}


async def test_company_lines_give_no_person_hints() -> None:
    toll_free = await lookup(phone=US_TOLL_FREE)
    assert values(toll_free) == {"phone_type": ("hq_switchboard", 0.6)}
    switchboard = await lookup(phone=DE_BERLIN, company_phone=DE_BERLIN)
    assert values(switchboard) == {
        "phone_type": ("hq_switchboard", 0.9),
        "company_hq_country": ("Germany", 0.55),
    }


async def test_a_national_number_read_in_an_assumed_region_gives_no_hints() -> None:
    result = await lookup(phone="(415) 555-2671")
    assert values(result) == {"phone_type": ("direct_dial", 0.35)}


async def test_the_switchboard_hints_at_the_hq_country_only_when_unknown() -> None:
    only_hq = await lookup(company_phone=DE_BERLIN)
    assert values(only_hq) == {"company_hq_country": ("Germany", 0.55)}
    known = await lookup(company_phone=DE_BERLIN, company_hq_country="Germany")
    assert known.matched is False
    assert known.fields == {}


async def test_only_invalid_numbers_is_a_miss() -> None:
    result = await lookup(phone="+1 555 0100", mobile="12")
    assert result == ProviderResult.miss("phone")


async def test_returns_canonical_fields_only() -> None:
    result = await lookup(phone=US_SF, mobile=FR_MOBILE, company_phone=DE_BERLIN)
    assert set(result.fields) <= provider().fields
    assert set(result.fields) == {"phone_type", "country_code", "country", "timezone"} | {
        "company_hq_country"
    }
