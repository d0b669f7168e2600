from __future__ import annotations

import pytest

from cleanlist_server.billing.pricing import contact_cost


@pytest.mark.parametrize(
    ("contact", "cost"),
    [
        (None, 0),
        ({"email": "a@b.com"}, 1),
        ({"email": "a@b.com", "phone": None, "mobile": None}, 1),
        ({"email": "a@b.com", "company_phone": "+14155550100"}, 1),
        ({"email": "a@b.com", "phone": "+14155550142"}, 11),
        ({"mobile": "+4915123456789"}, 11),
    ],
)
def test_seed_pricing(contact: dict[str, object] | None, cost: int) -> None:
    assert contact_cost(contact) == cost
