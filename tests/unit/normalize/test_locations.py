import json
import zoneinfo
from importlib import resources

import pytest

from cleanlist_server.normalize.locations import Location, parse_location

US, GB, DE, CA = "United States", "United Kingdom", "Germany", "Canada"
LA, NY, CHI = "America/Los_Angeles", "America/New_York", "America/Chicago"
SF = Location("San Francisco", "California", US, "US", "San Francisco, CA", LA)
NYC = Location("New York", "New York", US, "US", "New York, NY", NY)
BERLIN = Location("Berlin", None, DE, "DE", "Berlin, Germany", "Europe/Berlin")
EMPTY = Location(None, None, None, None, None, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("San Francisco, CA", SF),
        ("San Francisco, California", SF),
        ("San Francisco, California, United States", SF),
        ("san francisco, ca, usa", SF),
        ("San Francisco, CA 94105", SF),
        ("SF Bay Area", SF),
        ("San Francisco Bay Area", SF),
        ("Greater New York City Area", NYC),
        ("New York City Metropolitan Area", NYC),
        ("NYC", NYC),
        ("New York, NY, US", NYC),
        ("Austin TX", Location("Austin", "Texas", US, "US", "Austin, TX", CHI)),
        (
            "Austin, Texas Metropolitan Area",
            Location("Austin", "Texas", US, "US", "Austin, TX", CHI),
        ),
        ("Greater Chicago Area", Location("Chicago", "Illinois", US, "US", "Chicago, IL", CHI)),
        (
            "Wilmington, DE",
            Location("Wilmington", "Delaware", US, "US", "Wilmington, DE", NY),
        ),
        ("Portland, ME", Location("Portland", "Maine", US, "US", "Portland, ME", NY)),
        ("Paris, TX", Location("Paris", "Texas", US, "US", "Paris, TX", CHI)),
        ("Atlanta, Georgia", Location("Atlanta", "Georgia", US, "US", "Atlanta, GA", NY)),
        (
            "Washington DC-Baltimore Area",
            Location("Washington", "District of Columbia", US, "US", "Washington, DC", NY),
        ),
        (
            "California",
            Location(None, "California", US, "US", "California, United States", LA),
        ),
        ("USA", Location(None, None, US, "US", US, None)),
        ("U.S.", Location(None, None, US, "US", US, None)),
        ("Remote - US", Location(None, None, US, "US", US, None)),
        (
            "Toronto, ON, Canada",
            Location("Toronto", "Ontario", CA, "CA", "Toronto, ON", "America/Toronto"),
        ),
        ("London, ON", Location("London", "Ontario", CA, "CA", "London, ON", "America/Toronto")),
        (
            "London, England, United Kingdom",
            Location("London", "England", GB, "GB", "London, United Kingdom", "Europe/London"),
        ),
        (
            "Greater London Area",
            Location("London", None, GB, "GB", "London, United Kingdom", "Europe/London"),
        ),
        ("UK", Location(None, None, GB, "GB", GB, "Europe/London")),
        ("Berlin", BERLIN),
        ("Berlin, DE", BERLIN),
        ("10115 Berlin", BERLIN),
        ("Hybrid - Berlin", BERLIN),
        ("Berlin Metropolitan Area", BERLIN),
        (
            "Munich, Bavaria, Germany",
            Location("Munich", "Bavaria", DE, "DE", "Munich, Germany", "Europe/Berlin"),
        ),
        ("München", Location("Munich", None, DE, "DE", "Munich, Germany", "Europe/Berlin")),
        ("Deutschland", Location(None, None, DE, "DE", DE, "Europe/Berlin")),
        ("Remote (Germany)", Location(None, None, DE, "DE", DE, "Europe/Berlin")),
        (
            "Sydney NSW",
            Location(
                "Sydney",
                "New South Wales",
                "Australia",
                "AU",
                "Sydney, Australia",
                "Australia/Sydney",
            ),
        ),
        (
            "São Paulo, Brazil",
            Location("São Paulo", None, "Brazil", "BR", "São Paulo, Brazil", "America/Sao_Paulo"),
        ),
        ("Brasil", Location(None, None, "Brazil", "BR", "Brazil", None)),
        (
            "Bengaluru, Karnataka, India",
            Location("Bangalore", "Karnataka", "India", "IN", "Bangalore, India", "Asia/Kolkata"),
        ),
        (
            "Tbilisi, Georgia",
            Location("Tbilisi", None, "Georgia", "GE", "Tbilisi, Georgia", "Asia/Tbilisi"),
        ),
        (
            "Seoul, Korea",
            Location("Seoul", None, "South Korea", "KR", "Seoul, South Korea", "Asia/Seoul"),
        ),
        (
            "Moscow, Russian Federation",
            Location("Moscow", None, "Russia", "RU", "Moscow, Russia", "Europe/Moscow"),
        ),
        ("springfield", Location("Springfield", None, None, None, "Springfield", None)),
    ],
)
def test_parse_location(raw: str, expected: Location) -> None:
    assert parse_location(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "n/a",
        "N/A",
        "-",
        "#N/A",
        "12345",
        "Remote",
        "Anywhere",
        "Worldwide",
        "x" * 400,
    ],
)
def test_parse_location_garbage(raw: str | None) -> None:
    assert parse_location(raw) == EMPTY


@pytest.mark.parametrize(
    ("city", "state", "country", "expected"),
    [
        ("SAN FRANCISCO", "CA", "USA", SF),
        ("San Francisco", "California", "United States", SF),
        ("San Francisco", None, None, SF),
        ("Berlin", None, "DE", BERLIN),
        (
            "Munich",
            "Bavaria",
            "Germany",
            Location("Munich", "Bavaria", DE, "DE", "Munich, Germany", "Europe/Berlin"),
        ),
        (None, "Texas", None, Location(None, "Texas", US, "US", "Texas, United States", CHI)),
        (None, None, "gb", Location(None, None, GB, "GB", GB, "Europe/London")),
        ("n/a", "-", "#N/A", EMPTY),
    ],
)
def test_parse_location_columns(
    city: str | None, state: str | None, country: str | None, expected: Location
) -> None:
    assert parse_location(city=city, state=state, country=country) == expected


def test_free_text_falls_back_to_columns() -> None:
    assert parse_location("Remote", country="UK").country_code == "GB"


def test_data_timezones_are_iana_names() -> None:
    data = resources.files("cleanlist_server.normalize").joinpath("data")
    countries = json.loads(data.joinpath("countries.json").read_text("utf-8"))
    places = json.loads(data.joinpath("places.json").read_text("utf-8"))
    zones = set(countries["timezones"].values())
    zones |= {tz for subs in places["subdivision_timezones"].values() for tz in subs.values()}
    zones |= {row[3] for row in places["cities"].values() if row[3]}
    assert zones <= zoneinfo.available_timezones()
