import pytest

from cleanlist_server.normalize.linkedin import (
    canonical_company_url,
    canonical_github_url,
    canonical_profile_url,
    canonical_twitter_url,
)

GARBAGE = [None, "", "   ", "n/a", "-", "#N/A", "12345", "none", "null"]
JANE = "https://linkedin.com/in/janesmith"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://linkedin.com/in/janesmith", JANE),
        ("https://www.linkedin.com/in/janesmith/", JANE),
        ("http://www.linkedin.com/in/JaneSmith", JANE),
        ("https://www.LinkedIn.com/in/janesmith?trk=public_profile", JANE),
        ("https://www.linkedin.com/in/janesmith#experience", JANE),
        ("linkedin.com/in/janesmith", JANE),
        ("www.linkedin.com/in/janesmith", JANE),
        ("  https://de.linkedin.com/in/janesmith  ", JANE),
        ("https://uk.linkedin.com/in/janesmith/en", JANE),
        ("https://linkedin.com/mwlite/in/janesmith", JANE),
        ("https://m.linkedin.com/in/janesmith", JANE),
        ("https://www.linkedin.com/in/janesmith/details/experience/", JANE),
        ("https://www.linkedin.com/in/janesmith/recent-activity/all/", JANE),
        ("//www.linkedin.com/in/janesmith", JANE),
        ("https://linkedin.com:443/in/janesmith", JANE),
        ("https://www.linkedin.com./in/janesmith", JANE),
        ("https://linkedin.com/mwlite/in/x", "https://linkedin.com/in/x"),
        (
            "https://www.linkedin.com/in/jane-smith-0a1b2c3d",
            "https://linkedin.com/in/jane-smith-0a1b2c3d",
        ),
        (
            "https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa",
            "https://linkedin.com/in/jos%C3%A9-garc%C3%ADa",
        ),
        (
            "https://www.linkedin.com/in/José-García",
            "https://linkedin.com/in/jos%C3%A9-garc%C3%ADa",
        ),
        ("https://www.linkedin.com/in/jane_smith", "https://linkedin.com/in/jane_smith"),
        ("https://www.linkedin.com/IN/janesmith", JANE),
        (
            "http://www.linkedin.com/pub/jane-smith/1/23/456",
            "https://linkedin.com/pub/jane-smith/1/23/456",
        ),
        (
            "https://linkedin.com/pub/Jane-Smith/A1/B2/3C/",
            "https://linkedin.com/pub/jane-smith/a1/b2/3c",
        ),
    ],
)
def test_canonical_profile_url(raw: str, expected: str) -> None:
    assert canonical_profile_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        *GARBAGE,
        "janesmith",
        "https://www.linkedin.com/company/acme",
        "https://www.linkedin.com/feed/",
        "https://www.linkedin.com/in/",
        "https://www.linkedin.com/in/-",
        "https://www.linkedin.com/in/jane%2Fsmith",
        "https://www.linkedin.com/in/jane.smith",
        "https://www.linkedin.com/",
        "https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH",
        "https://www.linkedin.com/profile/view?id=12345",
        "https://linkedin.com.evil.com/in/janesmith",
        "https://evil.com/linkedin.com/in/janesmith",
        "https://linkedin.com@evil.com/in/janesmith",
        "https://user@linkedin.com/in/janesmith",
        "https://notlinkedin.com/in/janesmith",
        "https://twitter.com/in/janesmith",
        "javascript:alert(1)//linkedin.com/in/x",
        "ftp://linkedin.com/in/janesmith",
        "https://www.linkedin.com/in/jane smith",
        "https://www.linkedin.com/pub/dir/jane/smith",
        "https://www.linkedin.com/in/" + "a" * 101,
    ],
)
def test_canonical_profile_url_rejects(raw: str | None) -> None:
    assert canonical_profile_url(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/company/acme", "https://linkedin.com/company/acme"),
        ("https://www.linkedin.com/company/Acme-Corp/", "https://linkedin.com/company/acme-corp"),
        ("linkedin.com/company/acme/about/", "https://linkedin.com/company/acme"),
        ("https://de.linkedin.com/company/acme?trk=x", "https://linkedin.com/company/acme"),
        ("https://www.linkedin.com/company/1234567", "https://linkedin.com/company/1234567"),
        ("https://www.linkedin.com/company-beta/1234567/", "https://linkedin.com/company/1234567"),
        (
            "https://www.linkedin.com/school/stanford-university/",
            "https://linkedin.com/school/stanford-university",
        ),
        (
            "https://www.linkedin.com/showcase/acme-cloud/",
            "https://linkedin.com/showcase/acme-cloud",
        ),
    ],
)
def test_canonical_company_url(raw: str, expected: str) -> None:
    assert canonical_company_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        *GARBAGE,
        "https://www.linkedin.com/in/janesmith",
        "https://www.linkedin.com/company/",
        "https://www.linkedin.com/companies",
        "https://linkedin.com.evil.com/company/acme",
        "https://acme.com/company/acme",
    ],
)
def test_canonical_company_url_rejects(raw: str | None) -> None:
    assert canonical_company_url(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@janesmith", "https://x.com/janesmith"),
        ("@JaneSmith", "https://x.com/janesmith"),
        ("janesmith", "https://x.com/janesmith"),
        ("@jane_smith_99", "https://x.com/jane_smith_99"),
        ("@12345", "https://x.com/12345"),
        ("https://twitter.com/janesmith", "https://x.com/janesmith"),
        ("http://www.twitter.com/JaneSmith/", "https://x.com/janesmith"),
        ("twitter.com/janesmith", "https://x.com/janesmith"),
        ("https://mobile.twitter.com/janesmith", "https://x.com/janesmith"),
        ("https://x.com/janesmith/status/1234567890", "https://x.com/janesmith"),
        ("https://twitter.com/#!/janesmith", "https://x.com/janesmith"),
        ("https://x.com/janesmith?s=20", "https://x.com/janesmith"),
    ],
)
def test_canonical_twitter_url(raw: str, expected: str) -> None:
    assert canonical_twitter_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        *GARBAGE,
        "@",
        "@this_handle_is_too_long",
        "jane smith",
        "https://twitter.com/",
        "https://twitter.com/home",
        "https://twitter.com/intent/tweet?text=hi",
        "https://x.com/search?q=acme",
        "https://twitter.com.evil.com/jane",
        "https://facebook.com/janesmith",
    ],
)
def test_canonical_twitter_url_rejects(raw: str | None) -> None:
    assert canonical_twitter_url(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/octocat", "https://github.com/octocat"),
        ("https://github.com/Octocat/", "https://github.com/octocat"),
        ("github.com/octocat/hello-world", "https://github.com/octocat"),
        ("https://www.github.com/octocat?tab=repositories", "https://github.com/octocat"),
        ("https://github.com/orgs/acme-inc/people", "https://github.com/acme-inc"),
        ("@octocat", "https://github.com/octocat"),
        ("octocat", "https://github.com/octocat"),
        ("jane-doe", "https://github.com/jane-doe"),
        ("https://octocat.github.io/", "https://github.com/octocat"),
    ],
)
def test_canonical_github_url(raw: str, expected: str) -> None:
    assert canonical_github_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        *GARBAGE,
        "https://github.com/",
        "https://github.com/settings/profile",
        "https://github.com/-jane",
        "https://github.com/jane--doe",
        "https://gist.github.com/octocat",
        "https://github.com.evil.com/octocat",
        "https://gitlab.com/octocat",
    ],
)
def test_canonical_github_url_rejects(raw: str | None) -> None:
    assert canonical_github_url(raw) is None
