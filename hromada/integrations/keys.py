"""The form of an API key and its hash: ``hrm_<prefix>_<secret>``.

Only the prefix (to find the row) and the SHA-256 of the whole key are stored; a stolen
database gives no usable key. The comparison is constant-time.
"""

import hashlib
import hmac
import secrets

PREFIX_BYTES = 6  # 12 hex characters: unique among keys, and what the admin lists


def key_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def new_key(prefix: str | None = None) -> tuple[str, str]:
    """A fresh (prefix, plain key)."""
    prefix = prefix or secrets.token_hex(PREFIX_BYTES)
    return prefix, f"hrm_{prefix}_{secrets.token_urlsafe(32)}"


def split(plain: str) -> str | None:
    """The prefix of something that looks like a key, else None."""
    parts = (plain or "").strip().split("_")
    if len(parts) < 3 or parts[0] != "hrm" or not parts[1] or len(parts[1]) > 16:
        return None
    return parts[1]


def matches(plain: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(plain.strip()), stored_hash)
