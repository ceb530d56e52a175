"""Our PAE and envelope are DSSE v1: securesystemslib's independent implementation verifies our bundles and
enrolment files, and refuses them once tampered with."""

from __future__ import annotations

import json

import pytest
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey

from lhtl_desktop.sync.envelope import BUNDLE_TYPE, ENROLMENT_TYPE, pae
from tests.sync.conftest import Net


def _key(net: Net) -> SSlibKey:
    row = net.a.store.key(net.a.key_id)
    assert row is not None
    public_hex = __import__("base64").b64decode(row["public_key"]).hex()
    return SSlibKey(net.a.key_id, "ed25519", "ed25519", {"public": public_hex})


@pytest.mark.parametrize("kind", ["bundle", "enrolment"])
def test_securesystemslib_verifies_our_files(net: Net, kind: str) -> None:
    path = net.a.export() if kind == "bundle" else net.a.enrolment_file()
    doc = json.loads(path.read_bytes())
    env = Envelope.from_dict(doc)
    assert env.payload_type == (BUNDLE_TYPE if kind == "bundle" else ENROLMENT_TYPE)
    assert env.pae() == pae(env.payload_type, env.payload)  # byte-for-byte the same PAE
    assert list(env.verify([_key(net)], 1)) == [net.a.key_id]

    doc = json.loads(path.read_bytes())  # from_dict consumed the first copy
    doc["payloadType"] = "application/vnd.lhtl.other+json"
    with pytest.raises(VerificationError):
        Envelope.from_dict(doc).verify([_key(net)], 1)


def test_pae_matches_the_dsse_spec_example() -> None:
    # DSSE v1 protocol: PAE("http://example.com/HelloWorld", "hello world").
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world")
