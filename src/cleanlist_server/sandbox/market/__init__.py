"""The sandbox market: a seeded synthetic population and every provider's API on loopback.

- ``model``: the ground truth (``TrueCompany``, ``TruePerson``, ``Population``);
- ``wire``: the contract between the market core and one vendor's wire format
  (``VendorView`` is what one vendor believes; ``VendorWire`` speaks its documented API);
- ``vendors/<name>.py``: one module per commercial vendor (and Gravatar), each exposing
  ``WIRE``, a ``VendorWire`` rendering that vendor's documented requests and responses.

See docs/sandbox-market.md.
"""
