"""Lead scoring against an account's ideal customer profile (``icp.py``)."""

from cleanlist_server.scoring.icp import (
    DEFAULT_PROFILE,
    CompiledProfile,
    Criteria,
    IcpProfile,
    IcpResult,
    IntentSignal,
    compile_profile,
    parse_profile,
    score,
)

__all__ = [
    "DEFAULT_PROFILE",
    "CompiledProfile",
    "Criteria",
    "IcpProfile",
    "IcpResult",
    "IntentSignal",
    "compile_profile",
    "parse_profile",
    "score",
]
