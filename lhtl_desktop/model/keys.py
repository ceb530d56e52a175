"""Key material as plain data, so that services can store a key without knowing any cryptography."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewKey:
    key_id: str  # hex, derived from the public key
    public_key: str  # base64 of the raw 32-byte Ed25519 public key
    fingerprint: str  # 24 decimal digits in groups of 4
    private_key: str  # JSON: the raw private key, sealed with the passphrase (or marked unprotected)
    created_at: str
