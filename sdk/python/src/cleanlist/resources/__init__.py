from .credits import AsyncCredits, Credits
from .enrich import AsyncEnrich, Enrich
from .enrichments import AsyncEnrichments, Enrichments
from .imports import AsyncImports, Imports
from .verify import AsyncVerify, Verify

__all__ = [
    "AsyncCredits",
    "AsyncEnrich",
    "AsyncEnrichments",
    "AsyncImports",
    "AsyncVerify",
    "Credits",
    "Enrich",
    "Enrichments",
    "Imports",
    "Verify",
]
