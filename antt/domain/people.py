"""Pseudonymisation of personal identifiers.

A 12-digit personal identification number (số định danh cá nhân) never enters ANTT in clear: at import it
is replaced by a keyed HMAC-SHA-256 pseudonym. The same person gets the same pseudonym in every import (so
links between cases survive), but nobody without the key can compute or reverse it — a plain hash of a
12-digit number could be reversed by trying all 10^12 values.

Number layout (Circular 59/2021/TT-BCA): 3 digits province of birth registration, 1 digit century and
sex, 2 digits year of birth, 6 random digits.
"""

from __future__ import annotations

import hashlib
import hmac

# Province codes used as the first three digits of personal id numbers (the 63 pre-2025 provinces).
PROVINCE_OF_BIRTH_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)

PSEUDONYM_PREFIX = "p1_"  # versioned: a future key or algorithm change gets a new prefix


def is_valid_personal_id(value: str) -> bool:
    """Twelve digits with a known province-of-birth prefix."""
    return len(value) == 12 and value.isascii() and value.isdigit() and value[:3] in PROVINCE_OF_BIRTH_CODES


def pseudonymise(personal_id: str, key: bytes) -> str:
    """The stable pseudonym of a personal id under ``key`` (128 bits of HMAC-SHA-256, hex)."""
    digest = hmac.new(key, personal_id.encode("ascii"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]
