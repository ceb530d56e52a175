"""Structured fuzzing of the importer (`python scripts/fuzz.py --structured`): validly signed, wrong bodies.

Byte mutations die at the signature, as they must. The dangerous files are the ones a trusted sender signs,
so this mode takes real bundle bodies, changes what a careless or hostile sender could — version vectors,
`seq`, author fields, edit ids, periods, values, institutions, certificates, repeated records — and seals
each one again with the project's own sealing code (`envelope.seal`) and the sender's real key. Two
receivers: a hub (bodies from its two communes, going up) and a commune (bodies from its hub, coming down).
Every input is imported (`importer.import_bytes`, the whole path: read, plan, write) inside a transaction
that is rolled back afterwards, so each one meets the same receiver. After each input:

- nothing but the program's own errors (LhtlError) may escape: anything else is a crash;
- refused or duplicate: nothing changed at all; quarantined: only the quarantine changed;
- accepted: no write outside the rules of ARCHITECTURE.md §3.6 — every record or institution version new
  here was authored by a key the signer vouches for (up: the commune's own key; down: the hub's subtree, never
  the receiver's own key); no vector entry of the receiver's own key beyond the counter it had used, none of
  a key outside the signer's subtree beyond what the receiver had seen; every counter within MAX_COUNTER; at
  most MAX_SIBLINGS siblings on a key; no edit id both current and superseded; the receiver's own counter
  unchanged; the inbox lists gaps (ranges) at once; and the receiver's next export still reads back.

Each input is tagged with the classes of the mutations it carries (authorship, counters, seq and gaps,
import failures, conflict storms); the summary counts them for docs/RELIABILITY.md.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import random
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.services import entry, institutions
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import Store, key_counters, open_store
from lhtl_desktop.sync import bundle, enrolment, envelope, exporter, importer, inbox
from lhtl_desktop.sync.keys import generate_key, open_private
from lhtl_desktop.sync.merge import MAX_SIBLINGS

HUB, A, B = "372", "14389", "14401"
CLASSES = ("authorship", "counters", "seq-gaps", "import-failures", "conflict-storms")


@dataclass
class Sender:
    unit: str
    key_id: str
    private: Any
    bodies: list[dict[str, Any]]


@dataclass
class World:
    """One receiver and the senders it hears from: the hub (its communes send up) or a commune (its hub
    sends down)."""

    name: str
    store: Store
    own_key: str
    senders: list[Sender]
    vouched: dict[str, set[str]]  # per sender key: the other keys its bundles may introduce (§3.6)
    stored_edit_ids: list[str]
    history_edit_ids: list[str]
    certificates: list[dict[str, str]]
    folder: Path


def _node(folder: Path, unit: str, officer: str) -> Store:
    store = open_store(folder / f"{unit}.sqlite3")
    init_installation(store, unit, officer, generate_key())
    return store


def _enrol(parent: Store, child: Store, folder: Path) -> None:
    key = child.key(str(child.get_meta("own_key_id")))
    assert key is not None
    path = enrolment.export_enrolment(child, folder / f"enrol-{key['key_id'][:8]}.lhtl")
    enrolment.enrol_key(parent, path, str(key["fingerprint"]))


def _body(path: Path) -> dict[str, Any]:
    """A bundle's body, its lists in an order that does not depend on the random ids (so a seed gives the
    same run, and the same counts in docs/RELIABILITY.md, every time)."""
    env = json.loads(path.read_bytes())
    body = json.loads(gzip.decompress(base64.b64decode(env["payload"])))
    names = {i["id"]: i["name"] for i in body["institutions"]}
    body["institutions"].sort(key=lambda i: i["name"])
    body["records"].sort(key=lambda r: (names.get(r["institution"], ""), r["period"], r["indicator"],
                                        r["author_unit"], str(r["value"])))
    return body


def build(folder: Path) -> list[World]:
    """A hub with two enrolled communes; values imported, corrected by the hub, relayed back; seed bodies.
    Two receivers: the hub (bodies from the communes) and commune A (bodies from the hub, coming down)."""
    hub = _node(folder, HUB, "Lê Văn Cụm")
    a = _node(folder, A, "Nguyễn Thị Hoa")
    b = _node(folder, B, "Trần Văn Bình")
    for child in (a, b):
        _enrol(hub, child, folder)
    _enrol(a, hub, folder)
    n = 0

    def export(store: Store, to: str | None = None) -> Path:
        nonlocal n
        n += 1
        return exporter.export_bundle(store, folder / f"s{n}.lhtl", to_unit=to).path

    bodies: dict[str, list[dict[str, Any]]] = {A: [], B: [], HUB: []}
    lib_a = institutions.add_institution(a, A, "lib_commune", "Thư viện xã Gia Lâm")
    house = institutions.add_institution(a, A, "village_house", "Nhà văn hóa thôn Đông")
    entry.set_values(a, lib_a.id, "2025", {"LIB_VISITS": "1000", "LIB_READERS": "300"})
    entry.set_values(a, lib_a.id, "2024", {"LIB_VISITS": "900"})
    entry.set_values(a, house.id, "2025", {"CC_ACTIVITIES": "12"})
    lib_b = institutions.add_institution(b, B, "lib_commune", "Thư viện xã Gia Phong")
    entry.set_values(b, lib_b.id, "2025", {"LIB_VISITS": "500", "LIB_SKILL_CLASSES": "2"})
    for store, unit in ((a, A), (b, B)):
        path = export(store)
        bodies[unit].append(_body(path))
        assert importer.import_file(hub, path, backup=False).status == "accepted"
    # The hub corrects twice (its counter moves; the first correction goes to history), and relays it down.
    entry.set_values(hub, lib_a.id, "2025", {"LIB_VISITS": "1150"}, "Theo sổ theo dõi bạn đọc")
    first_down = export(hub, A)
    bodies[HUB].append(_body(first_down))
    assert importer.import_file(a, first_down, backup=False).status == "accepted"
    entry.set_values(hub, lib_a.id, "2025", {"LIB_VISITS": "1160"}, "Đếm lại")
    for i in range(45):  # both counters well above MAX_SIBLINGS: storms inside the evidence are possible
        entry.set_values(hub, lib_b.id, "2024", {"LIB_VISITS": str(400 + i)}, "Theo sổ")
        entry.set_values(a, house.id, "2024", {"CC_ACTIVITIES": str(i + 1)})
    entry.set_values(a, lib_a.id, "2025", {"LIB_READERS": "310"})
    entry.set_values(b, lib_b.id, "2025", {"LIB_VISITS": "520"})
    bodies[A].append(_body(export(a)))  # carries the hub's first correction and a new edit
    bodies[B].append(_body(export(b)))
    bodies[HUB].append(_body(export(hub, A)))  # the hub's second correction, not yet at the commune

    def sender(store: Store, unit: str) -> Sender:
        key_id = str(store.get_meta("own_key_id"))
        row = store.key(key_id)
        assert row is not None
        return Sender(unit, key_id, open_private(row["private_key"], None), bodies[unit])

    sa, sb, sh = sender(a, A), sender(b, B), sender(hub, HUB)
    b.close()
    # Up at the hub: a commune's subtree is its own key. Down at the commune: the hub's subtree (the hub and
    # its communes), never the commune's own key.
    return [_world("hub", hub, [sa, sb], {sa.key_id: set(), sb.key_id: set()}, folder),
            _world("commune", a, [sh], {sh.key_id: {sb.key_id}}, folder)]


def _world(name: str, store: Store, senders: list[Sender], vouched: dict[str, set[str]], folder: Path) -> World:
    conn = store.db.conn
    stored = [e for (e,) in conn.execute("SELECT edit_id FROM value_records ORDER BY edit_id")]
    history = [e for (e,) in conn.execute("SELECT edit_id FROM value_history ORDER BY edit_id")]
    certs = [{"body": r[0], "sig": r[1]} for r in conn.execute(
        "SELECT body, sig FROM sync_certificates ORDER BY body").fetchall()]
    return World(name, store, str(store.get_meta("own_key_id")), senders, vouched, stored, history, certs, folder)


# -- mutations ----------------------------------------------------------------------------------------------
Mutation = Callable[[random.Random, dict[str, Any], World, Sender], str]


def _counter(rng: random.Random, world: World) -> int | Any:
    own_counter = key_counters.last_counter(world.store, world.own_key)
    return rng.choice([0, 1, 2, -1, own_counter, own_counter + 1, 50, MAX_COUNTER, MAX_COUNTER + 1, 2**53 - 1,
                       2**53, 10**30, 1.5, "3", True, None])


def _any_key(rng: random.Random, world: World, sender: Sender) -> str:
    others = sorted({s.key_id for s in world.senders if s is not sender} | world.vouched[sender.key_id])
    return rng.choice([sender.key_id, world.own_key, *others, uuid.uuid4().hex, "X" * 32, ""])


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["records"] or [{}]


def m_vv(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    rec = rng.choice(_records(body) + body["institutions"])
    vv = rec.get("vv")
    if not isinstance(vv, dict):
        return "counters"
    op = rng.randrange(5)
    if op == 0:
        vv[_any_key(rng, world, sender)] = _counter(rng, world)
    elif op == 1 and vv:
        vv[rng.choice(list(vv))] = _counter(rng, world)
    elif op == 2:
        rec["vv"] = {}
    elif op == 3:
        rec["vv"] = {k: n for k, n in vv.items() if rng.random() < 0.5} or {sender.key_id: 1}
    else:
        rec["vv"] = rng.choice([[], None, "{}", {sender.key_id: 1, world.own_key: 1}])
    return "counters"


def m_seq(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    body["seq"] = rng.choice([1, 2, 3, 7, 1000, MAX_COUNTER - 1, MAX_COUNTER, MAX_COUNTER + 1, 2**53, 0, -5,
                              "9", 2.0])
    return "seq-gaps"


def m_author(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    items = _records(body) + body["institutions"]
    for rec in rng.sample(items, k=min(len(items), rng.randint(1, 3))):
        rec["author_key"] = _any_key(rng, world, sender)
        if "author_unit" in rec and rng.random() < 0.7:
            rec["author_unit"] = rng.choice([A, B, HUB, "37", "99999", sender.unit])
        if rng.random() < 0.5:
            rec["edit_id"] = str(uuid.uuid4())  # a new edit, so the merge would write it
            if isinstance(rec.get("vv"), dict):
                rec["vv"] = {**rec["vv"], sender.key_id: rng.choice([5, 50, 500])}
        if "reason" in rec and rng.random() < 0.7:
            rec["reason"] = "Sửa theo kiểm tra"
        if "value" in rec and rng.random() < 0.5:
            rec["value"] = rng.choice([5555, 999999, 0, None])
    return "authorship"


def m_edit_id(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    rec = rng.choice(_records(body) + body["institutions"])
    pool = [*world.stored_edit_ids, *world.history_edit_ids]
    inside = [r.get("edit_id") for r in body["records"]]
    rec["edit_id"] = rng.choice([rng.choice(pool), rng.choice(inside or [None]), str(uuid.uuid4()),
                                 str(uuid.uuid4()).upper(), "x", None, 7])
    if rng.random() < 0.5 and "indicator" in rec:
        rec["indicator"] = rng.choice(["LIB_VISITS", "LIB_READERS", "LIB_SKILL_CLASSES", "CC_ACTIVITIES", "NOPE"])
    return "import-failures"


def m_period(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    rec = rng.choice(_records(body))
    rec["period"] = rng.choice(["2025", "2025-H1", "2024", "2100", "1999", "2026", "2027", "9999", "2025-H2",
                                "٢٠٢٥", "2025 ", None, 2025])
    return "import-failures"


def m_value(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    rec = rng.choice(_records(body))
    rec[rng.choice(["value", "created", "reason", "warning", "author_name", "unit", "institution"])] = rng.choice(
        [-1, 10**12, None, "12", 1.0, True, "", "9999-99-99T99:99:99Z", "x" * 600, str(uuid.uuid4()), A, "37"])
    return "import-failures"


def m_institution(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    if not body["institutions"]:
        return "import-failures"
    inst = rng.choice(body["institutions"])
    field_name = rng.choice(["unit", "type", "name", "id", "opened_year", "closed_year", "updated"])
    inst[field_name] = rng.choice([B, HUB, "museum", "lib_commune", "village_house", "", str(uuid.uuid4()), 2100,
                                   1999, None, "Thư viện mới"])
    if rng.random() < 0.5:
        inst["edit_id"] = str(uuid.uuid4())
        if isinstance(inst.get("vv"), dict):
            inst["vv"] = {**inst["vv"], sender.key_id: 40}
    return "import-failures"


def m_certificates(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    certs = body["certificates"]
    op = rng.randrange(5)
    if op == 0:
        body["certificates"] = [dict(c) for c in world.certificates]
    elif op == 1 and world.certificates:
        one = dict(rng.choice(world.certificates))
        other = rng.choice(world.certificates)
        one["sig"] = other["sig"]
        certs.append(one)
    elif op == 2:
        certs.append({"body": base64.b64encode(b"{}").decode(), "sig": base64.b64encode(bytes(64)).decode()})
    elif op == 3:
        from lhtl_desktop.model.records import now_utc
        from lhtl_desktop.sync.trust import issue_certificate

        # The commune vouches for a key of its hub's unit, or of its sibling: outside what it may certify.
        subject = generate_key()
        cert = issue_certificate(sender.private, issuer_key_id=sender.key_id, issuer_unit=sender.unit,
                                 subject_key_id=subject.key_id, subject_public_key=subject.public_key,
                                 subject_unit=rng.choice([HUB, B, A]), status="active", version=rng.randint(1, 9),
                                 issued_at=now_utc())
        certs.append(cert.as_wire())
    else:
        certs.append({"body": "!!", "sig": "??"})
    return "import-failures"


def m_storm(rng: random.Random, body: dict[str, Any], world: World, sender: Sender) -> str:
    """Many pairwise-concurrent records on one key, each vector inside the evidence (the sender's own key
    against the receiver's key up to the counter the receiver really used) or not."""
    if not body["records"]:
        return "conflict-storms"
    base = rng.choice(body["records"])
    own_counter = key_counters.last_counter(world.store, world.own_key)
    n = rng.choice([2, MAX_SIBLINGS - 1, MAX_SIBLINGS, MAX_SIBLINGS + 1, 40])
    for i in range(1, n + 1):
        rec = copy.deepcopy(base)
        rec["edit_id"] = str(uuid.uuid4())
        rec["value"] = 100 + i
        rec["vv"] = {sender.key_id: 100 + i, world.own_key: max(1, min(own_counter, n + 1 - i))
                     if rng.random() < 0.8 else n + 1 - i}
        body["records"].append(rec)
    return "conflict-storms"


MUTATIONS: list[Mutation] = [m_vv, m_vv, m_seq, m_author, m_author, m_edit_id, m_period, m_value, m_institution,
                             m_certificates, m_storm]


# -- the target ---------------------------------------------------------------------------------------------
@dataclass
class Tally:
    runs: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    tried: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # the bodies behind the violations, for the report


@dataclass
class Receiver:
    """One receiver's fixed starting state (every input is rolled back), and the checks after each input."""

    world: World
    tally: Tally

    def __post_init__(self) -> None:
        self.local = importer.load_local(self.world.store)
        self.own_counter = key_counters.last_counter(self.world.store, self.world.own_key)
        self.before = self._state()
        self.seen = self._seen_counters()

    def _state(self) -> dict[str, Any]:
        conn = self.world.store.db.conn

        def q(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

        return {
            "records": q("SELECT edit_id, institution_id, period, indicator, value, vv, author_key FROM value_records"),
            "history": q("SELECT edit_id FROM value_history"),
            "institutions": q("SELECT id, name, type, unit_code, vv, author_key, edit_id FROM institutions"),
            "bundles": q("SELECT bundle_id FROM sync_bundles"),
            "certificates": q("SELECT subject_key_id, issuer_key_id, status, version FROM sync_certificates"),
            "meta": q("SELECT key, value FROM meta"),
            "keys": q("SELECT key_id, status FROM keys"),
            "quarantine": q("SELECT payload_hash FROM sync_quarantine"),
        }

    def _seen_counters(self) -> dict[str, int]:
        seen: dict[str, int] = {}
        for row in self.before["records"]:
            for k, n in json.loads(row[5]).items():
                seen[k] = max(seen.get(k, 0), n)
        for row in self.before["institutions"]:
            for k, n in json.loads(row[4]).items():
                seen[k] = max(seen.get(k, 0), n)
        return seen

    def one(self, rng: random.Random) -> None:
        world = self.world
        sender = rng.choice(world.senders)
        body = copy.deepcopy(rng.choice(sender.bodies))
        if rng.random() < 0.95:
            body["bundle_id"] = str(uuid.uuid4())
        classes = {m(rng, body, world, sender) for m in rng.sample(MUTATIONS, k=rng.randint(1, 3))}
        self.current = body  # for a report on the input that broke a rule
        for c in classes:
            self.tally.tried[c] += 1
        try:
            data = envelope.seal(envelope.BUNDLE_TYPE, body, sender.key_id, sender.private)
        except (TypeError, ValueError):  # a body JSON cannot carry (NaN never; here: nothing) — not an input
            return
        self.tally.runs += 1
        conn = world.store.db.conn
        conn.execute("BEGIN")
        try:
            try:
                result = importer.import_bytes(world.store, data, "fuzz.lhtl", local=self.local)
            except LhtlError as exc:
                self.tally.statuses["error:" + type(exc).__name__] += 1
                self._expect_unchanged(classes, "a typed error")
                return
            except Exception:  # noqa: BLE001 - exactly what the fuzzer looks for
                self.tally.crashes.append(f"{world.name} {sorted(classes)}: {traceback.format_exc()[-1500:]}")
                return
            self.tally.statuses[result.status] += 1
            if result.status in (importer.REJECTED, importer.DUPLICATE):
                self._expect_unchanged(classes, result.status)
            elif result.status == importer.QUARANTINED:
                self._expect_unchanged(classes, "quarantined", allow={"quarantine"})
            else:
                self._check_accepted(classes, sender, body)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def _violation(self, classes: set[str], text: str) -> None:
        self.tally.violations.append(f"{self.world.name} {sorted(classes)}: {text}")
        self.tally.inputs.append(json.dumps(self.current, ensure_ascii=False, default=str))

    def _expect_unchanged(self, classes: set[str], why: str, allow: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        after = self._state()
        changed = [k for k in after if k not in allow and after[k] != self.before[k]]
        if changed:
            self._violation(classes, f"{why} but {changed} changed")

    def _check_accepted(self, classes: set[str], sender: Sender, body: dict[str, Any]) -> None:
        world, after = self.world, self._state()
        vouched = {sender.key_id} | world.vouched[sender.key_id]
        own_limit = max(self.own_counter, self.seen.get(world.own_key, 0))
        old_ids = {r[0] for r in self.before["records"]}
        vectors = [json.loads(r[5]) for r in after["records"]] + [json.loads(r[4]) for r in after["institutions"]]
        for row in after["records"]:
            if row[0] not in old_ids and row[6] not in vouched:
                self._violation(classes, f"record {row[0]} new here, authored by {row[6][:8]}, not the signer's")
        old_insts = {r[0]: r for r in self.before["institutions"]}
        for row in after["institutions"]:
            was = old_insts.get(row[0])
            if (was is None or was[6] != row[6]) and row[5] not in vouched:
                self._violation(classes, f"institution {row[0]} written as {row[5][:8]}")
        for vv in vectors:
            for k, n in vv.items():
                if not 1 <= n <= MAX_COUNTER:
                    self._violation(classes, f"counter {n} of {k[:8]} stored")
                elif k == world.own_key and n > own_limit:
                    self._violation(classes, f"the receiver's own counter claimed at {n} > {own_limit}")
                elif k != world.own_key and k not in vouched and n > self.seen.get(k, 0):
                    self._violation(classes, f"key {k[:8]} outside the signer's subtree at {n} > "
                                             f"{self.seen.get(k, 0)}")
        conn = world.store.db.conn
        crowded = conn.execute("SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM value_records "
                               "GROUP BY institution_id, period, indicator)").fetchone()[0] or 0
        if crowded > MAX_SIBLINGS:
            self._violation(classes, f"{crowded} siblings on one key")
        both = conn.execute("SELECT COUNT(*) FROM value_records JOIN value_history USING (edit_id)").fetchone()[0]
        if both:
            self._violation(classes, f"{both} edit ids both current and superseded")
        if key_counters.last_counter(world.store, world.own_key) != self.own_counter:
            self._violation(classes, "the receiver's own counter moved")
        started = time.perf_counter()
        rows = inbox.inbox(world.store)
        if time.perf_counter() - started > 2.0 or any(len(r.missing) > 1000 for r in rows):
            self._violation(classes, "the inbox materialised a gap")
        try:
            out = exporter.export_bundle(world.store, world.folder / "after.lhtl", to_unit=sender.unit)
            # (the hub writes down to the commune; the commune up to its hub)
            bundle.parse_body(envelope.strict_json(envelope.gunzip_bounded(
                envelope.open_envelope(out.path.read_bytes()).payload)), self.local.units)
        except LhtlError as exc:
            self._violation(classes, f"the receiver's own export after it is invalid: {exc.message}")



@dataclass
class Structured:
    receivers: list[Receiver]
    tally: Tally

    def one(self, rng: random.Random) -> None:
        rng.choice(self.receivers).one(rng)

    @property
    def crashes(self) -> list[str]:
        return self.tally.crashes

    @property
    def violations(self) -> list[str]:
        return self.tally.violations

    def close(self) -> None:
        for r in self.receivers:
            r.world.store.close()

    def summary(self, seconds: float) -> dict[str, Any]:
        t = self.tally
        return {"engine": "structured", "runs": t.runs, "receivers": [r.world.name for r in self.receivers],
                "statuses": dict(t.statuses), "tried": {c: t.tried[c] for c in CLASSES},
                "violations": len(t.violations), "crashes": len(t.crashes), "seconds": round(seconds, 1)}


def run(folder: Path, *, runs: int, seconds: float, seed: int) -> tuple[dict[str, Any], Structured]:
    tally = Tally()
    target = Structured([Receiver(world, tally) for world in build(folder)], tally)
    rng = random.Random(seed)
    started = time.monotonic()
    while (runs and tally.runs < runs) or (not runs and time.monotonic() - started < seconds):
        target.one(rng)
    return target.summary(time.monotonic() - started), target
