"""统一社会信用代码 (GB 32100-2015): the ISO 7064 MOD 31-3 check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_char(first17: str) -> str:
    """The 18th character that `first17` calls for, e.g. 91350100M000100Y4 -> 3."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]

