"""What a result costs, from the seeds' pricing (pure).

- nothing matched: 0 credits;
- a matched record without a phone: 1 credit ("email only");
- a matched record that includes a direct dial or mobile: 11 credits.

``include_phone: false`` removes the phone fields before pricing, capping a call at 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.domain.fields import PRICED_PHONE_FIELDS

EMAIL_ONLY_COST = 1
WITH_PHONE_COST = 11
MIN_MATCH_COST = EMAIL_ONLY_COST


def contact_cost(contact: Mapping[str, Any] | None) -> int:
    if contact is None:
        return 0
    if any(contact.get(name) for name in PRICED_PHONE_FIELDS):
        return WITH_PHONE_COST
    return EMAIL_ONLY_COST
