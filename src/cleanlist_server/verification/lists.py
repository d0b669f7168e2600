"""Role local parts, free-mail and disposable domains, each extendable by configuration.

Roles are the MIT-licensed list of the npm package ``role-based-email-addresses``
(``data/roles.txt``, licence in ``data/ROLES_LICENSE``); free and disposable domains are the
packaged lists of ``normalize/emails.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from cleanlist_server.normalize.emails import DISPOSABLE_DOMAINS, FREE_DOMAINS


@lru_cache(maxsize=1)
def builtin_roles() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data/roles.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _clean(items: tuple[str, ...]) -> frozenset[str]:
    return frozenset(item.strip().lower().rstrip(".") for item in items if item.strip())


@dataclass(frozen=True)
class DomainLists:
    roles: frozenset[str]
    free: frozenset[str]
    disposable: frozenset[str]

    @classmethod
    def build(
        cls,
        extra_roles: tuple[str, ...] = (),
        extra_free: tuple[str, ...] = (),
        extra_disposable: tuple[str, ...] = (),
    ) -> DomainLists:
        disposable = DISPOSABLE_DOMAINS | _clean(extra_disposable)
        return cls(
            roles=builtin_roles() | _clean(extra_roles),
            free=(FREE_DOMAINS | _clean(extra_free)) - disposable,
            disposable=disposable,
        )

    def is_role(self, local_part: str) -> bool:
        """``info``, ``sales+eu`` and ``support.team`` are roles; ``john.smith`` is not."""
        local = local_part.lower()
        base = local.split("+", 1)[0]
        return local in self.roles or base in self.roles

    def is_free(self, domain: str) -> bool:
        return domain.lower() in self.free

    def is_disposable(self, domain: str) -> bool:
        """The domain or any parent domain is listed (``x.mailinator.com`` counts)."""
        labels = domain.lower().split(".")
        return any(".".join(labels[i:]) in self.disposable for i in range(len(labels) - 1))
