"""Per-host SMTP counters: what a polite verifier did to a sandbox mail host.

Updated from the server's event loop thread, read from tests through ``snapshot()``.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, fields


@dataclass
class HostStats:
    """Counters of one mail host since start (or ``reset()``).

    ``connections`` counts accepted TCP connections; ``sessions`` those in which the client
    greeted (EHLO/HELO); ``recipients_per_connection`` lists the RCPT commands of each closed
    connection, so a test can assert that several recipients shared one session.
    """

    connections: int = 0
    sessions: int = 0
    active: int = 0
    max_concurrent: int = 0
    refused_busy: int = 0
    ehlo_names: list[str] = field(default_factory=list)
    helo_names: list[str] = field(default_factory=list)
    mail_from: list[str] = field(default_factory=list)
    rcpt_count: int = 0
    recipients: list[str] = field(default_factory=list)
    rset_count: int = 0
    data_count: int = 0
    starttls_count: int = 0
    quit_count: int = 0
    recipients_per_connection: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def snapshot(self) -> HostStats:
        with self._lock:
            values = {
                f.name: copy.copy(getattr(self, f.name)) for f in fields(self) if f.name != "_lock"
            }
        return HostStats(**values)

    def reset(self) -> None:
        """Zero every counter (connections still open stay counted as ``active``)."""
        fresh = HostStats()
        with self._lock:
            for f in fields(self):
                if f.name not in ("_lock", "active"):
                    setattr(self, f.name, getattr(fresh, f.name))

    # -- updates from the protocol ---------------------------------------------------------

    def connected(self) -> None:
        with self._lock:
            self.connections += 1
            self.active += 1
            self.max_concurrent = max(self.max_concurrent, self.active)

    def disconnected(self, recipients: int) -> None:
        with self._lock:
            self.active -= 1
            self.recipients_per_connection.append(recipients)

    def greeted(self, name: str, *, extended: bool, first: bool) -> None:
        with self._lock:
            (self.ehlo_names if extended else self.helo_names).append(name)
            self.sessions += int(first)

    def sender(self, address: str) -> None:
        with self._lock:
            self.mail_from.append(address)

    def recipient(self, address: str) -> None:
        with self._lock:
            self.rcpt_count += 1
            self.recipients.append(address)

    def bump(self, counter: str) -> None:
        """Add one to ``rset_count``, ``data_count``, ``starttls_count``, ``quit_count``..."""
        with self._lock:
            setattr(self, counter, getattr(self, counter) + 1)
