"""The verifier against a real MTA nobody here wrote: Postfix from Debian's packages.

The test writes a private Postfix instance (its own config, queue and data folders)
that listens on one 127/8 address, knows two local users of ``postfix.test``, refuses
to relay anywhere (``default_transport = error``, ``reject_unauth_destination``), and
is stopped at the end. The sandbox DNS server points ``postfix.test``'s MX at it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.sandbox.addresses import allocate, is_root
from cleanlist_server.sandbox.dns import SandboxDNS
from cleanlist_server.sandbox.zone import Zone
from cleanlist_server.verification import EmailVerifier, VerifierConfig
from tests.conftest import IN_CI

POSTFIX = Path("/usr/sbin/postfix")

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
mail_owner = postfix
myhostname = mx.postfix.test
mydestination = postfix.test
inet_interfaces = all
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
local_recipient_maps = texthash:{root}/conf/recipients
alias_maps =
alias_database =
relay_domains =
default_transport = error:this test instance never relays
smtpd_relay_restrictions = reject_unauth_destination
"""


def _master_cf(address: str) -> str:
    """Debian's master.cf, with smtpd on our address only and no chroot."""
    lines = []
    for line in Path("/etc/postfix/master.cf").read_text().splitlines():
        fields = line.split()
        if line.startswith("smtp ") and "inet" in fields:
            line = f"{address}:25 inet n - n - - smtpd"
        elif line and line[0] not in "# \t" and len(fields) >= 8:
            fields[4] = "n"
            line = " ".join(fields)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _postfix(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    # Postfix reports only to syslog unless stderr is a terminal: `script` gives it one.
    return subprocess.run(
        ["script", "-qc", f"{POSTFIX} -c {root}/conf {command}", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def postfix() -> Iterator[str]:
    if not POSTFIX.exists() or not is_root():
        reason = "Postfix is not installed or this is not root (.ci/run installs it)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    address = allocate(1, port=25)[0]
    root = Path(tempfile.mkdtemp(prefix="cleanlist-postfix-"))
    os.chmod(root, 0o755)  # Postfix's daemons run as the postfix user
    for folder in ("conf", "queue", "data"):
        (root / folder).mkdir()
    shutil.chown(root / "data", "postfix")
    (root / "conf" / "main.cf").write_text(MAIN_CF.format(root=root))
    (root / "conf" / "master.cf").write_text(_master_cf(address))
    (root / "conf" / "recipients").write_text("jane ok\nbob ok\n")
    started = _postfix(root, "start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield address
    finally:
        _postfix(root, "stop")
        shutil.rmtree(root, ignore_errors=True)


async def test_verifier_against_postfix(postfix: str) -> None:
    zone = Zone()
    zone.add_mx("postfix.test", [(10, "mx.postfix.test")])
    zone.add_a("mx.postfix.test", postfix)
    with SandboxDNS(zone) as dns:
        config = VerifierConfig(
            dns_nameservers=(dns.address,),
            allow_test_domains=True,
            helo="verifier.cleanlist.test",
            from_address="verify@cleanlist.test",
            connect_timeout=5.0,
            address_deadline=20.0,
        )
        verifier = EmailVerifier(config, EgressPolicy.from_strings("127.0.0.0/8", ""))
        jane, ghost = await verifier.verify_many(["jane@postfix.test", "ghost@postfix.test"])
    assert jane.email_status.value == "valid"
    assert jane.catch_all is False  # the random probe was refused: not a catch-all domain
    assert (jane.smtp.code, jane.mx) == (250, ("mx.postfix.test",))
    assert ghost.email_status.value == "invalid"
    assert ghost.smtp.enhanced_code == "5.1.1"
