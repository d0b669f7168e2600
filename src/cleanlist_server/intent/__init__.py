"""Intent signals: what a company is doing now that makes it a good lead.

- ``jobs``: hiring signals (``hiring_sales``, ``hiring_sales_ops``, ``hiring_engineering``,
  ``hiring_leadership``, ``hiring_surge`` ...) from public job boards (Greenhouse, Lever,
  Ashby, Workable) discovered on the company's own site. See ``docs/intent-hiring.md``.
- ``tech``: ``adopted_<tech>`` / ``dropped_<tech>`` from consecutive technology snapshots.
- ``web``: ``visited_pricing``, ``requested_demo`` ... from the account's own web events.
- ``feeds``: ``IntentFeed``, the plug-in point for commercial intent feeds (a provider
  that also answers ``company_signals``, such as Lusha's). See ``docs/intent-feeds.md``.
"""

from cleanlist_server.intent.feeds import FeedItem, IntentFeed, build_feeds, merge_items
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
    "FeedItem",
    "IntentFeed",
    "IntentSignalData",
    "JobBoardClient",
    "Posting",
    "build_feeds",
    "discover_boards",
    "find_careers",
    "hiring_signals",
    "merge_items",
]
