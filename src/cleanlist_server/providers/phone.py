"""Phone intelligence over numbers already found: what libphonenumber's metadata says.

Free, no key and no I/O: it reads the ``phone``, ``mobile`` and ``company_phone`` found
earlier in the waterfall (``query.known``) and looks each one up in the numbering-plan
metadata shipped with ``phonenumbers``: whether the number is valid, its line type
(mobile, fixed line, toll free, VoIP, or "fixed line or mobile" where the plan does not
say, as in North America), its region, the original carrier where the metadata knows it
(mobile ranges in most countries) and its time zone. ``inspect_number`` returns all of
that; the provider answers only canonical fields:

=====================  ==========================================================  ======
field                  when                                                         conf.
=====================  ==========================================================  ======
``phone_type``         ``phone`` is the company's switchboard (``company_phone``)   0.90
                       metadata says mobile (also when ``phone`` was filed as the   0.90
                       mobile)
                       ``phone`` was filed as the mobile, metadata cannot tell      0.70
                       metadata says toll free: a company line (``hq_switchboard``) 0.60
                       metadata says fixed line (``direct_dial``: a desk line or a  0.50
                       switchboard, the plan cannot tell which)
                       VoIP (``direct_dial``)                                       0.50
                       fixed line or mobile, e.g. any +1 number (``direct_dial``,   0.35
                       as ``normalize.phones.phone_type_for`` never guesses mobile)
``country_code``,      hints, only when the record has no country yet: the region  0.50
``country``            of the person's ``mobile``, else of ``phone`` (not when that
                       is a toll-free or switchboard number)
``timezone``           hint, only when the record has no time zone and the number's  0.40
                       prefix maps to exactly one zone (and its region agrees with
                       the record's country, if any)
``company_hq_country`` hint, only when the record has none: the region of            0.55
                       ``company_phone`` (a switchboard is usually dialled at HQ)
=====================  ==========================================================  ======

Why these priors: line types come from the regulator-assigned number ranges, which a
ported number keeps, so "mobile" is rarely wrong; "fixed line" cannot tell a desk phone
from a reception desk; North American plans do not distinguish mobiles at all. Where a
person lives is only loosely tied to their number (roaming, remote work, numbers kept
after moving), hence the low hint confidences; a time-zone hint is only given when the
prefix pins a single zone. A number that parses only by assuming a default region
(written without a country code) yields no location hints: that would just echo the
assumption. Invalid numbers are ignored; with nothing valid to say the answer is a miss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberType, carrier, geocoder
from phonenumbers import timezone as pn_timezone

from cleanlist_server.domain.enums import PhoneType
from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.normalize.locations import parse_location
from cleanlist_server.normalize.phones import Phone, normalize_phone, phone_type_for

__all__ = ["PhoneIntel", "PhoneProvider", "inspect_number"]

PHONE_KEYS = ("phone", "mobile", "company_phone")

CONF_SWITCHBOARD = 0.9
CONF_MOBILE = 0.9
CONF_FILED_MOBILE = 0.7
CONF_TOLL_FREE = 0.6
CONF_FIXED = 0.5
CONF_VOIP = 0.5
CONF_AMBIGUOUS = 0.35
CONF_COUNTRY_HINT = 0.5
CONF_TIMEZONE_HINT = 0.4
CONF_HQ_COUNTRY_HINT = 0.55

_LINE_TYPES: dict[int, str] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
_NOT_PERSONAL = frozenset({"toll_free", "premium_rate", "shared_cost", "uan"})


@dataclass(frozen=True, slots=True)
class PhoneIntel:
    """Everything the numbering-plan metadata says about one valid number."""

    e164: str
    line_type: str
    """mobile, fixed_line, fixed_line_or_mobile, toll_free, voip, ... or unknown."""
    region: str | None
    """ISO 3166-1 alpha-2 of the numbering plan ("001" non-geographic plans give None)."""
    country: str | None
    """Display name of ``region`` (as ``normalize.locations`` writes countries)."""
    carrier: str | None
    """The carrier the range was assigned to, in English (numbers may have been ported)."""
    location: str | None
    """The geocoder's description of the prefix ("San Francisco, CA", "Berlin")."""
    time_zones: tuple[str, ...]
    """IANA zones of the prefix (several for mobiles and large countries)."""
    region_assumed: bool
    """The number was written without a country code and parsed in an assumed region."""

    @property
    def timezone(self) -> str | None:
        """The time zone when the prefix maps to exactly one."""
        return self.time_zones[0] if len(self.time_zones) == 1 else None

    @property
    def phone(self) -> Phone:
        return Phone(self.e164, _normalize_line_type(self.line_type), self.region)


def inspect_number(raw: str, default_region: str | None = None) -> PhoneIntel | None:
    """Look ``raw`` up in the metadata; ``None`` when it is not a valid number.

    International forms are parsed as they are; ``default_region`` is only tried for a
    number written in national form (then ``region_assumed`` is true).
    """
    if not isinstance(raw, str):
        return None
    assumed = False
    phone = normalize_phone(raw)
    if phone is None and default_region:
        phone = normalize_phone(raw, default_region=default_region)
        assumed = phone is not None
    if phone is None:
        return None
    number = phonenumbers.parse(phone.e164, None)
    region = phonenumbers.region_code_for_number(number)
    region = region if region and region != "001" and len(region) == 2 else None
    zones = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != "Etc/Unknown")
    return PhoneIntel(
        e164=phone.e164,
        line_type=_LINE_TYPES.get(phonenumbers.number_type(number), "unknown"),
        region=region,
        country=_country_name(region),
        carrier=carrier.name_for_number(number, "en") or None,
        location=geocoder.description_for_number(number, "en") or None,
        time_zones=zones,
        region_assumed=assumed,
    )


class PhoneProvider:
    """Canonical facts about the numbers already found; see the module docstring."""

    name = "phone"
    requires_key = False
    offline = True
    """Answers from the numbering-plan metadata: no network, so the waterfall lets it
    check a phone type even after its early stop."""
    reads = frozenset(PHONE_KEYS)
    """The numbers it looks at: asked again when one changes during a waterfall."""
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"phone_type", "country", "country_code", "timezone", "company_hq_country"})

    def __init__(self, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.clock = clock

    def accepts(self, query: Query) -> bool:
        """Only when a number already found is a valid one."""
        return any(_numbers(query).values())

    async def lookup(self, query: Query) -> ProviderResult:
        known = query.known
        numbers = _numbers(query)
        phone, mobile, hq = (numbers.get(key) for key in PHONE_KEYS)
        raw: dict[str, tuple[Any, float]] = {}
        if phone is not None:
            raw["phone_type"] = _phone_type(phone, mobile=mobile, hq=hq)
        raw.update(_person_hints(known, phone, mobile, hq))
        hq_known = _text(known.get("company_hq_country"))
        if hq is not None and hq.country and not hq.region_assumed and not hq_known:
            raw["company_hq_country"] = (hq.country, CONF_HQ_COUNTRY_HINT)
        if not raw:
            return ProviderResult.miss(self.name)
        now = self.clock()
        fields = {
            name: FieldValue(value, self.name, now, confidence)
            for name, (value, confidence) in raw.items()
        }
        # The line type is said of this number only (the merge keeps it to it).
        about = {"phone": phone.e164} if phone is not None else {}
        return ProviderResult(provider=self.name, matched=True, fields=fields, about=about)


def _numbers(query: Query) -> dict[str, PhoneIntel | None]:
    """The known numbers, inspected; national forms are read in the record's country (else
    the US, the importer's default), which then yields no location hints."""
    region = _text(query.value("country_code")) or "US"
    return {
        key: inspect_number(text, region) for key in PHONE_KEYS if (text := _text(query.value(key)))
    }


def _phone_type(
    phone: PhoneIntel, *, mobile: PhoneIntel | None, hq: PhoneIntel | None
) -> tuple[str, float]:
    if hq is not None and hq.e164 == phone.e164:
        return PhoneType.HQ_SWITCHBOARD.value, CONF_SWITCHBOARD
    filed_mobile = mobile is not None and mobile.e164 == phone.e164
    line = phone.line_type
    if line == "mobile":
        return PhoneType.MOBILE.value, CONF_MOBILE
    if line in _NOT_PERSONAL:
        return PhoneType.HQ_SWITCHBOARD.value, CONF_TOLL_FREE
    if filed_mobile and line != "fixed_line":
        return PhoneType.MOBILE.value, CONF_FILED_MOBILE
    kind = phone_type_for(phone.phone).value
    if line == "fixed_line":
        return kind, CONF_FIXED
    if line == "voip":
        return kind, CONF_VOIP
    return kind, CONF_AMBIGUOUS


def _person_hints(
    known: Any, phone: PhoneIntel | None, mobile: PhoneIntel | None, hq: PhoneIntel | None
) -> dict[str, tuple[Any, float]]:
    """country/country_code/timezone of the person, from their own number, when unknown."""
    hq_number = hq.e164 if hq is not None else None
    source = None
    for candidate in (mobile, phone):
        if candidate is None or candidate.region is None or candidate.region_assumed:
            continue
        if candidate.e164 == hq_number or candidate.line_type in _NOT_PERSONAL:
            continue
        source = candidate
        break
    if source is None:
        return {}
    out: dict[str, tuple[Any, float]] = {}
    known_code = _text(known.get("country_code"))
    if not known_code and not _text(known.get("country")):
        out["country_code"] = (source.region, CONF_COUNTRY_HINT)
        if source.country:
            out["country"] = (source.country, CONF_COUNTRY_HINT)
    agrees = known_code is None or known_code.upper() == source.region
    if source.timezone and agrees and not _text(known.get("timezone")):
        out["timezone"] = (source.timezone, CONF_TIMEZONE_HINT)
    return out


def _normalize_line_type(line_type: str) -> str:
    known = {"mobile", "fixed_line", "fixed_line_or_mobile", "toll_free", "voip"}
    return line_type if line_type in known else "unknown"


def _country_name(region: str | None) -> str | None:
    if region is None:
        return None
    return parse_location(country=region).country


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
