from .credits import AsyncCredits, Credits
from .enrich import AsyncEnrich, Enrich
from .enrichments import AsyncEnrichments, Enrichments
from .events import AsyncEvents, Events
from .icp_profiles import AsyncIcpProfiles, IcpProfiles
from .imports import AsyncImports, Imports
from .verify import AsyncVerify, Verify

__all__ = [
    "AsyncCredits",
    "AsyncEnrich",
    "AsyncEnrichments",
    "AsyncEvents",
    "AsyncIcpProfiles",
    "AsyncImports",
    "AsyncVerify",
    "Credits",
    "Enrich",
    "Enrichments",
    "Events",
    "IcpProfiles",
    "Imports",
    "Verify",
]
