"""What the waterfall learns about providers survives a restart, per field, on both backends."""

from __future__ import annotations

from cleanlist_server.engine.runner import CallPolicy, ProviderRunner
from cleanlist_server.engine.stats import Learning, StatsStore
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.migrate import migrate


async def test_per_field_agreement_is_persisted_and_loaded_back(db_url: str) -> None:
    await migrate(db_url)
    db = Database(db_url)
    try:
        runner = ProviderRunner(lambda _name: CallPolicy())
        learning = Learning()
        learning.record_fields("apollo", ["title", "phone"])
        learning.record_agreement("apollo", [("title", True)] * 30 + [("phone", False)] * 10)
        store = StatsStore(db, runner, learning)
        await store.flush(["apollo"])
        # a second delta adds to the row instead of replacing it
        learning.record_agreement("apollo", [("phone", True)] * 2)
        await store.flush(["apollo"])

        restarted = Learning()
        await StatsStore(db, ProviderRunner(lambda _name: CallPolicy()), restarted).load()
        totals = restarted.total("apollo")
        assert (totals.agreements, totals.disagreements) == (32, 10)
        assert dict(totals.field_agreed) == {"title": 30, "phone": 2}
        assert dict(totals.field_disagreed) == {"phone": 10}
        assert restarted.reliability("apollo", "title") == learning.reliability("apollo", "title")
        assert restarted.reliability("apollo", "phone") < 0.5 < restarted.reliability("apollo")
    finally:
        await db.dispose()
