from __future__ import annotations

import pytest

from cleanlist_server.imports.columns import MappingError, map_headers, parse_overrides


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Email", "email"),
        ("Email Address", "email"),
        ("E-mail", "email"),
        ("Job Title", "title"),
        ("Title", "title"),
        ("Company", "company_name"),
        ("Company Name", "company_name"),
        ("Account Name", "company_name"),
        ("Website", "company_website"),
        ("Website URL", "company_website"),
        ("Phone", "phone"),
        ("Phone Number", "phone"),
        ("Work Direct Phone", "phone"),
        ("Mobile Phone", "mobile"),
        ("Mobile Phone Number", "mobile"),
        ("Corporate Phone", "company_phone"),
        ("LinkedIn", "linkedin_url"),
        ("Person Linkedin Url", "linkedin_url"),
        ("Profile URL", "linkedin_url"),
        ("City", "city"),
        ("State", "state"),
        ("State/Region", "state"),
        ("Mailing State/Province", "state"),
        ("Country", "country"),
        ("Country/Region", "country"),
        ("Geography", "location"),
        ("# Employees", "company_employee_count"),
        ("Number of Employees", "company_employee_count"),
        ("Industry", "company_industry"),
        ("Annual Revenue", "company_annual_revenue"),
        ("  FIRST_NAME ", "first_name"),
        ("\ufeffEmail", "email"),
        ("company_domain", "company_domain"),
        ("Notes", None),
    ],
)
def test_common_export_headers(header: str, target: str | None) -> None:
    assert map_headers([header]) == [target]


def test_overrides_win_and_ignore_drops() -> None:
    overrides = parse_overrides(["Email=personal_email", "Work Mail=email", "Title=ignore"])
    assert map_headers(["Email", "Work Mail", "Title"], overrides) == [
        "personal_email",
        "email",
        None,
    ]


def test_a_target_is_fed_once() -> None:
    assert map_headers(["Email", "Email Address"]) == ["email", None]


@pytest.mark.parametrize("pair", ["nope", "=email", "Email=", "Email=shoe_size"])
def test_bad_overrides(pair: str) -> None:
    with pytest.raises(MappingError):
        parse_overrides([pair])


def test_override_of_a_missing_column() -> None:
    with pytest.raises(MappingError, match=r"(?i)ghost"):
        map_headers(["Email"], parse_overrides(["Ghost=email"]))
