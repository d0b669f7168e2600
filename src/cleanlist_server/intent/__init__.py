"""Intent signals: what a company is doing now that makes it a good lead.

- ``jobs``: hiring signals (``hiring_sales``, ``hiring_sales_ops``, ``hiring_engineering``,
  ``hiring_leadership``, ``hiring_surge`` ...) from public job boards (Greenhouse, Lever,
  Ashby, Workable) discovered on the company's own site. See ``docs/intent-hiring.md``.
"""

from cleanlist_server.intent.jobs import (
    BoardRef,
    IntentSignalData,
    JobBoardClient,
    Posting,
    discover_boards,
    find_careers,
    hiring_signals,
)

__all__ = [
    "BoardRef",
    "IntentSignalData",
    "JobBoardClient",
    "Posting",
    "discover_boards",
    "find_careers",
    "hiring_signals",
]
