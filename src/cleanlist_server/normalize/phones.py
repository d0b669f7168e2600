"""Phone numbers: parse anything a CRM export holds into E.164, or drop it.

Numbers are parsed and validated with ``phonenumbers`` (libphonenumber's metadata). A number
that does not validate is returned as ``None``: invalid numbers are dropped, never passed
through. Extensions are dropped (E.164 has none); vanity numbers with letters are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as pn_timezone

from cleanlist_server.domain.enums import PhoneType

__all__ = ["Phone", "normalize_phone", "phone_type_for", "region_timezone"]

_MAX_RAW_LENGTH = 64
_TEL_PREFIX = re.compile(r"^\s*(?:tel|callto|sip)\s*:\s*(?://)?", re.IGNORECASE)
# RFC 3966 parameters (";ext=12", ";phone-context=...") and written extensions.
_EXTENSION = re.compile(
    r"(?:;.*$)|(?:\s*(?:#|x|ext\.?|extn\.?|extension)\s*\d+\s*$)", re.IGNORECASE
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
# "00" then a country code: the international call prefix used across most of the world.
_INTERNATIONAL_00 = re.compile(r"^\s*00\s*(?=[1-9])")

_LINE_TYPES: dict[int, str] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.VOIP: "voip",
}

_HQ_DECLARED = frozenset({"hq", "company", "switchboard", "main", "hq_switchboard", "office"})
_MOBILE_DECLARED = frozenset({"mobile", "cell", "cellphone", "cell_phone", "mobile_phone"})


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    line_type: str  # mobile, fixed_line, fixed_line_or_mobile, toll_free, voip, unknown
    region: str | None  # ISO 3166-1 alpha-2 of the numbering plan


def _strip_decorations(raw: str) -> str | None:
    text = _TEL_PREFIX.sub("", raw.strip())
    text = _EXTENSION.sub("", text).strip()
    if _LETTER.search(text) or len(_DIGIT.findall(text)) < 4:
        return None
    return text


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str | None, default_region: str | None = None) -> Phone | None:
    """Parse ``raw`` to a valid :class:`Phone`, or ``None`` when it is not a valid number.

    ``default_region`` (ISO alpha-2) is used for numbers written without a country code.
    """
    if not isinstance(raw, str) or len(raw) > _MAX_RAW_LENGTH:
        return None
    text = _strip_decorations(raw)
    if text is None:
        return None
    region = default_region.upper() if default_region else None
    number = _parse(text, region)
    if number is None and _INTERNATIONAL_00.match(text):
        number = _parse(_INTERNATIONAL_00.sub("+", text), None)
    if number is None:
        return None
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        line_type=_LINE_TYPES.get(phonenumbers.number_type(number), "unknown"),
        region=phonenumbers.region_code_for_number(number),
    )


def phone_type_for(phone: Phone, *, declared: str | None = None) -> PhoneType:
    """The API's ``phone_type`` for a number, given the kind of column it came from.

    North American numbers are ``fixed_line_or_mobile``: they are never guessed to be mobile.
    """
    kind = (declared or "").strip().casefold()
    if kind in _HQ_DECLARED:
        return PhoneType.HQ_SWITCHBOARD
    if kind in _MOBILE_DECLARED or phone.line_type == "mobile":
        return PhoneType.MOBILE
    return PhoneType.DIRECT_DIAL


def region_timezone(phone: Phone) -> str | None:
    """The IANA time zone of the number when its prefix maps to exactly one zone."""
    try:
        number = phonenumbers.parse(phone.e164, None)
    except phonenumbers.NumberParseException:
        return None
    zones = [z for z in pn_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    return zones[0] if len(zones) == 1 else None
