"""Self-hostable contact and lead enrichment API."""

__version__ = "0.1.0"
