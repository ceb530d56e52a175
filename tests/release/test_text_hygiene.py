"""Text the officer types and text the program prints: NFC passphrases, UTF-8 on any pipe, quiet closed pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.sync.keys import b64, open_private, raw_public, seal_private

ROOT = Path(__file__).resolve().parents[2]
PRECOMPOSED = "Mật khẩu của Thư viện xã"
COMBINING = unicodedata.normalize("NFD", PRECOMPOSED)  # what a Unikey in combining mode sends


def test_the_two_typings_differ_as_code_points() -> None:
    assert PRECOMPOSED != COMBINING and len(COMBINING) > len(PRECOMPOSED)


@pytest.mark.parametrize(("sealed_with", "opened_with"), [(PRECOMPOSED, COMBINING), (COMBINING, PRECOMPOSED)])
def test_passphrase_opens_whichever_mode_it_was_typed_in(sealed_with: str, opened_with: str) -> None:
    private = Ed25519PrivateKey.generate()
    box = seal_private(private, sealed_with)
    opened = open_private(box, opened_with)
    assert raw_public(opened.public_key()) == raw_public(private.public_key())


def test_a_wrong_passphrase_is_still_refused() -> None:
    box = seal_private(Ed25519PrivateKey.generate(), PRECOMPOSED)
    with pytest.raises(RefusedError, match="không đúng"):
        open_private(box, unicodedata.normalize("NFD", "Mật khẩu của Thư viện phường"))


def _sealed_the_old_way(private: Ed25519PrivateKey, passphrase: str) -> str:
    """A box as versions before NFC sealed it: the passphrase's bytes exactly as typed."""
    salt, nonce = os.urandom(16), os.urandom(12)
    n, r, p = 2**14, 8, 1
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(key).encrypt(nonce, raw, b"lhtl-private-key")
    return json.dumps({"scheme": "scrypt-aesgcm", "n": n, "r": r, "p": p, "salt": b64(salt), "nonce": b64(nonce),
                       "sealed": b64(sealed)})


def test_a_key_sealed_in_combining_mode_before_nfc_still_opens() -> None:
    private = Ed25519PrivateKey.generate()
    box = _sealed_the_old_way(private, COMBINING)
    assert raw_public(open_private(box, COMBINING).public_key()) == raw_public(private.public_key())


def _run(*args: str, env_extra: dict[str, str] | None = None, **kw: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, capture_output=True,
                          timeout=120, **kw)  # type: ignore[call-overload]


def test_output_is_utf8_even_when_the_pipe_says_cp1252(tmp_path: Path) -> None:
    db = tmp_path / "xa.sqlite3"
    assert _run("--db", str(db), "init", "--unit", "14389", "--officer", "Nguyễn Văn An").returncode == 0
    done = _run("--db", str(db), "units", "--parent", "372", env_extra={"PYTHONIOENCODING": "cp1252"})
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")  # strict: cp1252 bytes or «\\u1ecb» escapes would not be this
    assert "Xã Gia Lâm" in text and "\\u" not in text
    refused = _run("--db", str(db), "institution", "add", "--unit", "14389", "--type", "khong_co", "--name", "X",
                   env_extra={"PYTHONIOENCODING": "cp1252"})
    assert refused.returncode == 2
    assert "Không" in refused.stderr.decode("utf-8")


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    db = tmp_path / "tinh.sqlite3"
    assert _run("--db", str(db), "init", "--unit", "37", "--officer", "Trần Thị Bình").returncode == 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db), "units"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the command prints its first line (`| head -0`)
    err = proc.stderr.read().decode("utf-8")
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code == 1
