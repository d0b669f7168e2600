"""A private certificate authority for the sandbox's STARTTLS hosts (built with trustme).

Clients that want to verify certificates trust ``ca_pem`` (or use ``client_context()``);
verifiers that do opportunistic TLS without verification work too, as against real MX hosts.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable

import trustme


class SandboxCA:
    """Issues server certificates for sandbox host names and loopback addresses."""

    def __init__(self) -> None:
        self._ca = trustme.CA(organization_name="Cleanlist sandbox")

    @property
    def ca(self) -> trustme.CA:
        return self._ca

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate in PEM form, to add to a client's trust store."""
        pem: bytes = self._ca.cert_pem.bytes()
        return pem

    def server_context(self, names: Iterable[str]) -> ssl.SSLContext:
        """A server-side context presenting a certificate for ``names`` (hosts or addresses)."""
        cert = self._ca.issue_cert(*names)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA and checks host names."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self._ca.configure_trust(context)
        return context
