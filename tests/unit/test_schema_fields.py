from __future__ import annotations

from cleanlist_server.api.schemas import Contact
from cleanlist_server.domain.fields import CONTACT_FIELDS


def test_response_model_lists_exactly_the_canonical_fields() -> None:
    assert tuple(Contact.model_fields) == CONTACT_FIELDS
    assert len(CONTACT_FIELDS) >= 40
