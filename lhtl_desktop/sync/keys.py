"""Installation keys: Ed25519, fingerprint, passphrase protection (ARCHITECTURE.md §3.4).

The private key is sealed with AES-256-GCM under a key derived from the officer's passphrase by scrypt
(n=2^15, r=8, p=1): a stolen database alone does not let anyone sign bundles in the commune's name.
Without a passphrase the key is stored unsealed and marked so; the window warns about it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from lhtl_desktop.errors import RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.keys import NewKey
from lhtl_desktop.model.records import now_utc

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 8


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public_raw: bytes) -> str:
    """Short stable identifier: the first 16 bytes of SHA-256 over the raw public key, in hex."""
    return hashlib.sha256(b"lhtl-key-id\x00" + public_raw).hexdigest()[:32]


def fingerprint_of(public_raw: bytes) -> str:
    """24 decimal digits in groups of 4, easy to read aloud on the phone or compare with a printed sheet."""
    digest = hashlib.sha256(b"lhtl-fingerprint\x00" + public_raw).digest()
    digits = f"{int.from_bytes(digest[:16], 'big') % 10**24:024d}"
    return " ".join(digits[i : i + 4] for i in range(0, 24, 4))


def normalise_fingerprint(text: str) -> str:
    """Accept what an officer types (spaces, dashes) and return the grouped form, or refuse it."""
    digits = "".join(c for c in text if c not in " -.\t")
    if len(digits) != 24 or not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("Dấu vân tay khóa phải gồm đúng 24 chữ số (0–9)."), field="fingerprint")
    return " ".join(digits[i : i + 4] for i in range(0, 24, 4))


def normalise_passphrase(passphrase: str) -> str:
    """NFC: Unikey and EVKey type «ư» precomposed or as «u» + combining horn depending on their mode; the same
    words must open the same key whichever mode the officer's keyboard is in."""
    return unicodedata.normalize("NFC", passphrase)


def _kdf(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        normalise_passphrase(passphrase).encode("utf-8")
    )


def seal_private(private: Ed25519PrivateKey, passphrase: str | None) -> str:
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    if not passphrase:
        return json.dumps({"scheme": "none", "key": b64(raw)})
    if len(normalise_passphrase(passphrase)) < MIN_PASSPHRASE:
        raise ValidationError(
            _("Mật khẩu bảo vệ khóa cần ít nhất {n} ký tự.").format(n=MIN_PASSPHRASE), field="passphrase"
        )
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_kdf(passphrase, salt)).encrypt(nonce, raw, b"lhtl-private-key")
    return json.dumps({"scheme": "scrypt-aesgcm", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                       "salt": b64(salt), "nonce": b64(nonce), "sealed": b64(sealed)})


def is_protected(sealed_json: str) -> bool:
    return json.loads(sealed_json).get("scheme") != "none"


def open_private(sealed_json: str, passphrase: str | None) -> Ed25519PrivateKey:
    """The private key, or a Vietnamese refusal when the passphrase is missing or wrong."""
    box = json.loads(sealed_json)
    if box["scheme"] == "none":
        return Ed25519PrivateKey.from_private_bytes(unb64(box["key"]))
    if not passphrase:
        raise RefusedError(_("Cần mật khẩu bảo vệ khóa để ký gói dữ liệu."), field="passphrase")
    # NFC first (every key sealed since passphrases are normalised); then the form exactly as typed, which
    # opens a key sealed by an earlier version from a passphrase typed in combining mode.
    for form in dict.fromkeys((normalise_passphrase(passphrase), passphrase)):
        key = Scrypt(salt=unb64(box["salt"]), length=32, n=box["n"], r=box["r"], p=box["p"]).derive(
            form.encode("utf-8")
        )
        try:
            raw = AESGCM(key).decrypt(unb64(box["nonce"]), unb64(box["sealed"]), b"lhtl-private-key")
        except InvalidTag:
            continue
        return Ed25519PrivateKey.from_private_bytes(raw)
    raise RefusedError(_("Mật khẩu bảo vệ khóa không đúng."), field="passphrase")


def generate_key(passphrase: str | None = None) -> NewKey:
    return generate_key_pair(passphrase)[0]


def generate_key_pair(passphrase: str | None = None) -> tuple[NewKey, Ed25519PrivateKey]:
    """A new key (sealed with `passphrase` when given) and its private key, to sign with at once."""
    private = Ed25519PrivateKey.generate()
    public_raw = raw_public(private.public_key())
    key = NewKey(
        key_id=key_id_of(public_raw),
        public_key=b64(public_raw),
        fingerprint=fingerprint_of(public_raw),
        private_key=seal_private(private, passphrase),
        created_at=now_utc(),
    )
    return key, private


def public_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text))


def verify_signature(public_b64: str, signature: bytes, message: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` by the given public key."""
    from cryptography.exceptions import InvalidSignature

    try:
        public_from_b64(public_b64).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint_matches(public_b64: str, typed: str) -> bool:
    """Compare the fingerprint computed from a public key with what the officer typed (any grouping)."""
    return fingerprint_of(unb64(public_b64)) == normalise_fingerprint(typed)
