"""The sandbox: real DNS and SMTP servers on loopback with scripted behaviours.

Tests, benchmarks and ``cleanlist demo`` verify email addresses against these servers instead
of the internet; nothing here ever binds or connects outside ``127.0.0.0/8``. See
docs/sandbox.md.

- ``SandboxDNS`` (``dns``) serves a mutable ``Zone`` (``zone``) over UDP and TCP;
- ``SandboxSMTP`` (``smtp``) runs many aiosmtpd-based mail hosts, one per loopback address,
  each scripted by a ``Behaviour`` (``behaviour``) and counted in ``HostStats`` (``stats``);
- ``MailWorld`` (``model``) describes domains declaratively, ``start_world`` (``running``)
  runs one, and ``default_world`` / ``bench_world`` (``world``) are the ready-made ones;
- ``addresses`` allocates random 127.x.y.z addresses and a shared SMTP port.
"""

from .addresses import allocate, choose_smtp_port, common_free_port, free_port
from .behaviour import Behaviour, Reply
from .dns import SandboxDNS
from .model import Domain, MailWorld, MxHost, Status
from .running import RunningWorld, start_world
from .smtp import SandboxSMTP
from .stats import HostStats
from .tls import SandboxCA
from .world import bench_world, default_world
from .zone import Fault, Zone

__all__ = [
    "Behaviour",
    "Domain",
    "Fault",
    "HostStats",
    "MailWorld",
    "MxHost",
    "Reply",
    "RunningWorld",
    "SandboxCA",
    "SandboxDNS",
    "SandboxSMTP",
    "Status",
    "Zone",
    "allocate",
    "bench_world",
    "choose_smtp_port",
    "common_free_port",
    "default_world",
    "free_port",
    "start_world",
]
