import pytest

from cleanlist_server.domain.enums import PhoneType
from cleanlist_server.normalize.phones import (
    Phone,
    normalize_phone,
    phone_type_for,
    region_timezone,
)


@pytest.mark.parametrize(
    ("raw", "region", "e164", "line_type", "country"),
    [
        ("+1-415-555-0142", None, "+14155550142", "fixed_line_or_mobile", "US"),
        ("+1 415 555 0198", None, "+14155550198", "fixed_line_or_mobile", "US"),
        ("(415) 555-0142", "US", "+14155550142", "fixed_line_or_mobile", "US"),
        ("415.555.0142", "us", "+14155550142", "fixed_line_or_mobile", "US"),
        ("1 (415) 555-0142", "US", "+14155550142", "fixed_line_or_mobile", "US"),
        ("+1 415 555 0142 x123", None, "+14155550142", "fixed_line_or_mobile", "US"),
        ("+1 415-555-0142 ext. 7", None, "+14155550142", "fixed_line_or_mobile", "US"),
        ("(415) 555-0142 #22", "US", "+14155550142", "fixed_line_or_mobile", "US"),
        ("tel:+1-415-555-0142", None, "+14155550142", "fixed_line_or_mobile", "US"),
        ("tel:+1-415-555-0142;ext=12", None, "+14155550142", "fixed_line_or_mobile", "US"),
        ("+1 800 555 0142", None, "+18005550142", "toll_free", "US"),
        ("+1 416 555 0123", None, "+14165550123", "fixed_line_or_mobile", "CA"),
        ("0049 30 1234567", None, "+49301234567", "fixed_line", "DE"),
        ("0049 30 1234567", "DE", "+49301234567", "fixed_line", "DE"),
        ("030 1234567", "DE", "+49301234567", "fixed_line", "DE"),
        ("+49 1512 3456789", None, "+4915123456789", "mobile", "DE"),
        ("+44 (0)20 7946 0958", None, "+442079460958", "fixed_line", "GB"),
        ("020 7946 0958", "GB", "+442079460958", "fixed_line", "GB"),
        ("+44 7400 123456", None, "+447400123456", "mobile", "GB"),
        ("+44 7911 123456", None, "+447911123456", "mobile", "GG"),
        ("0800 123 4567", "GB", "+448001234567", "toll_free", "GB"),
        ("+33 6 12 34 56 78", None, "+33612345678", "mobile", "FR"),
        ("+91 98765 43210", None, "+919876543210", "mobile", "IN"),
        ("  +61 2 9374 4000  ", None, "+61293744000", "fixed_line", "AU"),
    ],
)
def test_normalize_phone_valid(
    raw: str, region: str | None, e164: str, line_type: str, country: str
) -> None:
    assert normalize_phone(raw, region) == Phone(e164=e164, line_type=line_type, region=country)


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        (None, None),
        ("", "US"),
        ("   ", "US"),
        ("n/a", "US"),
        ("-", "US"),
        ("#N/A", "US"),
        ("none", None),
        ("1-800-FLOWERS", "US"),
        ("+1 415 CALL NOW", None),
        ("(415) 555-0142", None),  # national format without a region: ambiguous
        ("555-0142", "US"),  # too short
        ("+1 123 456 7890", None),  # area code 123 does not exist
        ("+1 415 555 01", None),
        ("0000000000", "US"),
        ("12345", "US"),
        ("+44 20 7946 095", None),
        ("+999 1234 5678", None),
        ("+" + "1" * 80, None),
        ("jane@acme.com", None),
        ("javascript:alert(1)", None),
    ],
)
def test_normalize_phone_rejects(raw: str | None, region: str | None) -> None:
    assert normalize_phone(raw, region) is None


def test_normalize_phone_tolerates_non_strings() -> None:
    assert normalize_phone(4155550142, "US") is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "declared", "expected"),
    [
        ("+14155550142", None, PhoneType.DIRECT_DIAL),
        ("+14155550142", "direct", PhoneType.DIRECT_DIAL),
        ("+14155550142", "mobile", PhoneType.MOBILE),
        ("+14155550142", "hq", PhoneType.HQ_SWITCHBOARD),
        ("+14155550142", "Company", PhoneType.HQ_SWITCHBOARD),
        ("+447400123456", None, PhoneType.MOBILE),
        ("+447911123456", "direct", PhoneType.MOBILE),
        ("+447911123456", "hq", PhoneType.HQ_SWITCHBOARD),
        ("+442079460958", None, PhoneType.DIRECT_DIAL),
        ("+18005550142", None, PhoneType.DIRECT_DIAL),
    ],
)
def test_phone_type_for(raw: str, declared: str | None, expected: PhoneType) -> None:
    phone = normalize_phone(raw)
    assert phone is not None
    assert phone_type_for(phone, declared=declared) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+14155550142", "America/Los_Angeles"),
        ("+12125550142", "America/New_York"),
        ("+493012345678", "Europe/Berlin"),
        ("+442079460958", "Europe/London"),
        ("+18005550142", None),  # toll-free: anywhere in the plan
    ],
)
def test_region_timezone(raw: str, expected: str | None) -> None:
    phone = normalize_phone(raw)
    assert phone is not None
    assert region_timezone(phone) == expected
