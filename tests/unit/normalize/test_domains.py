import pytest

from cleanlist_server.normalize.domains import email_domain, registrable_domain

GARBAGE = [None, "", "   ", "n/a", "-", "#N/A", "12345", "none", "null"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.com", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("https://www.Acme.co.uk/about", "acme.co.uk"),
        ("http://acme.com:8080/path?q=1#frag", "acme.com"),
        ("https://user:secret@app.acme.io/login", "acme.io"),
        ("//cdn.acme.com/lib.js", "acme.com"),
        ("acme.com/careers", "acme.com"),
        ("acme.com.", "acme.com"),
        ("  www.acme.com  ", "acme.com"),
        ("jane@mail.acme.com", "acme.com"),
        ("mailto:jane@acme.com", "acme.com"),
        ("https://acme.com/@jane", "acme.com"),
        ("shop.acme.com.au", "acme.com.au"),
        ("acme.co.jp", "acme.co.jp"),
        ("techflow.io", "techflow.io"),
        ("jane.blogspot.com", "jane.blogspot.com"),
        ("www.acme.github.io", "acme.github.io"),
        ("müller.de", "xn--mller-kva.de"),
        ("https://www.MÜLLER.de/", "xn--mller-kva.de"),
        ("xn--mller-kva.de", "xn--mller-kva.de"),
        ("例え.jp", "xn--r8jz45g.jp"),
        ("acme.test", "acme.test"),
        ("www.acme.test", "acme.test"),
        ("jane@mx.acme.test", "acme.test"),
        ("acme.example", "acme.example"),
        ("foo.invalid", "foo.invalid"),
        ("acme.localhost", "acme.localhost"),
        ("acme。com", "acme.com"),
    ],
)
def test_registrable_domain(raw: str, expected: str) -> None:
    assert registrable_domain(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        *GARBAGE,
        "localhost",
        "http://localhost:8000/",
        "com",
        "co.uk",
        ".com",
        "acme",
        "192.168.1.10",
        "http://10.0.0.1/admin",
        "http://[::1]:8080/",
        "acme.unknowntld",
        "acme..com",
        "-acme.com",
        "acme_corp.com",
        "acme .com",
        "jane@",
        "@",
        "test",
        "a" * 64 + ".com",
        "https://",
        "x" * 3000,
    ],
)
def test_registrable_domain_rejects(raw: str | None) -> None:
    assert registrable_domain(raw) is None


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("jane@acme.com", "acme.com"),
        ("Jane.Smith@Mail.ACME.com", "acme.com"),
        ("jane@acme.co.uk", "acme.co.uk"),
        ("bob@sales.acme.test", "acme.test"),
        ("jane@gmail.com", "gmail.com"),
        ("jane", None),
        ("jane@@acme.com", None),
        ("@acme.com", None),
        ("jane@localhost", None),
        ("jane@127.0.0.1", None),
        (None, None),
        ("", None),
    ],
)
def test_email_domain(email: str | None, expected: str | None) -> None:
    assert email_domain(email) == expected
