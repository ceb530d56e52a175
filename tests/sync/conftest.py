"""Fixtures for the sync tests: real installations (real SQLite, real Ed25519) set up in-process."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.services import entry, institutions
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync import enrolment, exporter
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, pae
from lhtl_desktop.sync.keys import generate_key, open_private


@dataclass
class Node:
    store: Store
    unit: str
    folder: Path
    institutions: dict[str, str] = field(default_factory=dict)
    _n: int = 0

    @property
    def key_id(self) -> str:
        return str(self.store.get_meta("own_key_id"))

    def private(self) -> Any:
        row = self.store.key(self.key_id)
        assert row is not None
        return open_private(row["private_key"], None)

    def export(self, to: str | None = None) -> Path:
        self._n += 1
        path = self.folder / f"{self.unit}-{self._n}.lhtl"
        exporter.export_bundle(self.store, path, to_unit=to)
        return path

    def enrolment_file(self) -> Path:
        return enrolment.export_enrolment(self.store, self.folder / f"enrol-{self.unit}.lhtl")

    def set(self, inst: str, period: str, why: str | None = None, **values: int) -> None:
        entry.set_values(self.store, self.institutions.get(inst, inst), period, values, why)

    def sign(self, payload: bytes, payload_type: str = BUNDLE_TYPE, keyid: str | None = None) -> bytes:
        """An envelope around arbitrary payload bytes, validly signed with this node's key."""
        sig = self.private().sign(pae(payload_type, payload))
        return json.dumps({"payloadType": payload_type, "payload": base64.b64encode(payload).decode(),
                           "signatures": [{"keyid": keyid or self.key_id, "sig": base64.b64encode(sig).decode()}]}
                          ).encode()

    def sign_json_text(self, text: bytes) -> bytes:
        return self.sign(gzip.compress(text))


def body_of(data: bytes) -> dict[str, Any]:
    env = json.loads(data)
    return json.loads(gzip.decompress(base64.b64decode(env["payload"])))


def resign(node: Node, data: bytes, mutate: Callable[[dict[str, Any]], None]) -> bytes:
    """Change a real bundle's body and sign it again with `node`'s key: a validly signed bad bundle."""
    body = body_of(data)
    mutate(body)
    return node.sign_json_text(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def make_node(tmp: Path, unit: str, officer: str = "Cán bộ thử") -> Node:
    folder = tmp / unit
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(folder / "lhtl.sqlite3")
    init_installation(store, unit, officer, generate_key())
    return Node(store, unit, folder)


def enrol(parent: Node, child: Node) -> None:
    path = child.enrolment_file()
    fp = str(child.store.key(child.key_id)["fingerprint"])  # type: ignore[index]
    enrolment.enrol_key(parent.store, path, fp)


@dataclass
class Net:
    hub: Node
    a: Node
    b: Node
    tmp: Path

    def write(self, data: bytes, name: str = "bad.lhtl") -> Path:
        path = self.tmp / name
        path.write_bytes(data)
        return path


@pytest.fixture
def net(tmp_path: Path) -> Iterator[Net]:
    """Hub 372 with communes 14389 (a) and 14401 (b), both enrolled, each with a library and some values."""
    hub = make_node(tmp_path, "372", "Lê Văn Cụm")
    a = make_node(tmp_path, "14389", "Nguyễn Văn A")
    b = make_node(tmp_path, "14401", "Trần Thị B")
    for child in (a, b):
        enrol(hub, child)
        inst = institutions.add_institution(child.store, child.unit, "lib_commune", f"Thư viện xã {child.unit}")
        child.institutions["lib"] = inst.id
        child.set("lib", "2025", LIB_VISITS=1000, LIB_SKILL_CLASSES=2)
    yield Net(hub, a, b, tmp_path)
    for n in (hub, a, b):
        n.store.close()
