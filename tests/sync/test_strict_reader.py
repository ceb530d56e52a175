"""The strict reader's fast checks decide exactly as the plain ones they replace.

strict_json looks for lone surrogates only when the text holds a \\uD800–\\uDFFF escape and walks only the
containers for the depth cap; parse_body checks each repeated value (key ids, unit codes, periods, times,
names) once per body. These tests hold each of those checks to its plain definition: a random JSON text is
accepted or refused by strict_json exactly when a walk over every node would, and a value first seen valid
never lets a different or misplaced one through. Each fails if its check is removed.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lhtl_desktop.errors import BundleError
from lhtl_desktop.sync.envelope import MAX_NUMBER_CHARS, strict_json
from lhtl_desktop.sync.importer import import_file, import_files
from tests.sync.conftest import Net, body_of, enrol, make_node, resign


# -- the plain definition, node by node ----------------------------------------------------------------------
def reference(data: bytes, max_depth: int) -> Any:
    """What strict_json must accept: the walk over every node that the fast checks replace."""
    text = data.decode("utf-8")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise ValueError("duplicate")
            out[k] = v
        return out

    def bounded(s: str) -> int:
        if len(s) > MAX_NUMBER_CHARS:
            raise ValueError("long")
        return int(s)

    def refuse(s: str) -> Any:
        raise ValueError(s)

    doc = json.loads(text, object_pairs_hook=pairs, parse_int=bounded, parse_float=refuse, parse_constant=refuse)
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise ValueError("deep")
        if isinstance(node, str):
            node.encode("utf-8")
        elif isinstance(node, dict):
            for k, v in node.items():
                k.encode("utf-8")
                stack.append((v, depth + 1))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return doc


def verdict(fn: Any, data: bytes, max_depth: int) -> tuple[str, Any]:
    try:
        return "ok", fn(data, max_depth)
    except (BundleError, ValueError, UnicodeError, RecursionError):
        return "refused", None


def fast(data: bytes, max_depth: int) -> Any:
    return strict_json(data, max_depth=max_depth)


# Strings that test the surrogate and bracket handling: escapes written out as JSON text.
_ESCAPED_STRINGS = st.sampled_from([
    '"plain"', '"Thư viện xã"', '"\\ud800"', '"\\uDFFF"', '"\\udc00x"', '"a\\ud83d"', '"\\ud83d\\ude00"',
    '"\\uD83D\\uDE00"', '"\\\\ud800"', '"\\\\\\ud800"', '"[[{{"', '"}]"', '"\\"[\\""', '"\\u00e9"', '""',
])
_NUMBERS = st.sampled_from(["0", "-1", "7", "9" * MAX_NUMBER_CHARS, "-" + "9" * (MAX_NUMBER_CHARS - 1),
                            "9" * (MAX_NUMBER_CHARS + 1), "-" + "9" * MAX_NUMBER_CHARS, "true", "null"])
_KEYS = st.sampled_from(['"a"', '"b"', '"\\ud800"', '"\\ud83d\\ude00"', '"[x"'])


def _json_text() -> st.SearchStrategy[str]:
    leaves = st.one_of(_ESCAPED_STRINGS, _NUMBERS)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]"),
            st.lists(st.tuples(_KEYS, inner), max_size=3).map(
                lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"),
        ),
        max_leaves=25,
    )


@settings(max_examples=600, deadline=None)
@given(_json_text(), st.integers(min_value=1, max_value=6))
def test_strict_json_decides_as_the_walk_over_every_node(text: str, max_depth: int) -> None:
    data = text.encode("utf-8")
    assert verdict(fast, data, max_depth) == verdict(reference, data, max_depth), text


@pytest.mark.parametrize("text", [
    '{"\\ud800": 1}',  # a lone surrogate as a key
    '{"a": [1, {"b": ["x", "\\udfff"]}]}',  # deep inside
    '["\\ud83d"]',  # a high surrogate without its pair
    '["\\ude00\\ud83d"]',  # a pair in the wrong order
    '["\\\\\\ud800"]',  # an escaped backslash, then a real escape
])
def test_lone_surrogates_anywhere_are_refused(text: str) -> None:
    with pytest.raises(BundleError, match="surrogate"):
        strict_json(text.encode())


@pytest.mark.parametrize("text", ['["\\ud83d\\ude00"]', '{"\\uD83D\\uDE00": "\\\\ud800"}', '["\\\\ud800"]'])
def test_pairs_and_escaped_backslashes_are_text(text: str) -> None:
    assert strict_json(text.encode()) == json.loads(text)


def test_the_depth_cap_counts_nodes_not_brackets_in_strings() -> None:
    # Depth 3: the list (1), the object (2), the scalar (3).
    assert strict_json(b'[{"a": 1}]', max_depth=3) == [{"a": 1}]
    assert strict_json(b'[{"a": {}}]', max_depth=3) == [{"a": {}}]  # an empty container is a leaf
    assert strict_json(b'["[[[[[[[[{{{{{{"]', max_depth=2) == ["[[[[[[[[{{{{{{"]
    for deeper in (b'[{"a": [1]}]', b'[{"a": [[]]}]', b'[[[[]]]]'):
        with pytest.raises(BundleError, match="sâu"):
            strict_json(deeper, max_depth=3)
    assert strict_json(b'"x"', max_depth=1) == "x" and strict_json(b"[]", max_depth=1) == []
    with pytest.raises(BundleError, match="sâu"):
        strict_json(b"[1]", max_depth=1)


def test_the_number_cap_counts_the_sign() -> None:
    ok = "9" * MAX_NUMBER_CHARS
    assert strict_json(f"[{ok}, -{ok[1:]}]".encode()) == [int(ok), -int(ok[1:])]
    for long in ("9" * (MAX_NUMBER_CHARS + 1), "-" + ok):
        with pytest.raises(BundleError, match="JSON"):
            strict_json(f'{{"seq": {long}}}'.encode())
    # Digits inside strings are text, whatever their number.
    assert strict_json(f'["{"1" * 60}"]'.encode()) == ["1" * 60]


def test_duplicate_keys_are_refused_at_any_depth() -> None:
    with pytest.raises(BundleError, match="duplicate"):
        strict_json(b'{"records": [{"vv": {"a": 1, "a": 1}}]}')
    assert strict_json(b'[{"a": 1}, {"a": 1}]') == [{"a": 1}, {"a": 1}]  # same key in two objects: fine


# -- parse_body: a value seen valid once lets only itself through ---------------------------------------------
def refused(net: Net, mutate: Any, *words: str) -> None:
    forged = resign(net.a, net.a.export().read_bytes(), mutate)
    path = net.write(forged)
    before = net.hub.store.dump()
    result = import_file(net.hub.store, path)
    assert result.status == "rejected", result
    for w in words:
        assert w in result.reason, result.reason
    assert net.hub.store.dump() == before


@pytest.fixture
def many(net: Net) -> Net:
    """Commune A with four values (two years), so that later records repeat what earlier ones hold."""
    net.a.set("lib", "2024", LIB_VISITS=900, LIB_SKILL_CLASSES=1)
    return net


def _last(body: dict[str, Any]) -> dict[str, Any]:
    recs: list[dict[str, Any]] = body["records"]
    assert len(recs) >= 4
    return recs[-1]


@pytest.mark.parametrize(("what", "mutate", "word"), [
    ("a bad author key after good ones", lambda b: _last(b).update(author_key="A" * 32), "khóa tác giả"),
    ("a bad vv key after good ones", lambda b: _last(b).update(vv={"Z" * 32: 1}), "véc-tơ"),
    ("a bad counter after good ones", lambda b: _last(b).update(vv={b["records"][0]["author_key"]: 0}), "véc-tơ"),
    ("a full-width period after good ones", lambda b: _last(b).update(period="２０２５"), "kỳ báo cáo"),
    ("a period out of range after good ones", lambda b: _last(b).update(period="1999"), "1999"),
    ("a bad time after good ones", lambda b: _last(b).update(created="2025-01-01 00:00:00"), "thời điểm nhập"),
    ("an unknown author unit after good ones", lambda b: _last(b).update(author_unit="99999"), "không thuộc"),
    ("a badly formed author unit", lambda b: _last(b).update(author_unit="１４３８９"), "đơn vị tác giả"),
    ("an NFD author name after good ones",
     lambda b: _last(b).update(author_name=unicodedata.normalize("NFD", b["records"][0]["author_name"] + " ễ")),
     "NFC"),
    ("a name valid as a reason is too long for a name",
     lambda b: (b["records"][0].update(reason="x" * 300), _last(b).update(author_name="x" * 300)), "tên người nhập"),
    ("a reason with a control character", lambda b: _last(b).update(reason="sửa\u0007"), "lý do điều chỉnh"),
    ("a reason given as a number", lambda b: _last(b).update(reason=5), "lý do điều chỉnh"),
    ("a warning in NFD", lambda b: _last(b).update(warning=unicodedata.normalize("NFD", "tăng gấp đôi")), "NFC"),
    ("a warning over the limit", lambda b: _last(b).update(warning="x" * 501), "cảnh báo"),
    ("the record of another unit", lambda b: _last(b).update(unit="14401"), "sai đơn vị"),
    ("a malformed unit", lambda b: _last(b).update(unit=["14389"]), "sai định dạng"),
    ("an institution not in the bundle", lambda b: _last(b).update(institution="0" * 8 + "-0000-0000-0000-" + "0" * 12),
     "không có trong gói"),
    ("a malformed institution id", lambda b: _last(b).update(institution={"id": 1}), "mã thiết chế"),
    ("a malformed edit id", lambda b: _last(b).update(edit_id=b["records"][0]["edit_id"].upper()), "mã lần sửa"),
    ("a repeated edit id", lambda b: _last(b).update(edit_id=b["records"][0]["edit_id"]), "lặp lại"),
    ("a flag over 1", lambda b: _last(b).update(indicator="LIB_DIGITAL_SERVICE", value=2), "giá trị của LIB_DIGITAL_SERVICE"),
    ("an indicator given as a list", lambda b: _last(b).update(indicator=["LIB_VISITS"]), "không áp dụng"),
])
def test_a_value_seen_valid_lets_only_itself_through(many: Net, what: str, mutate: Any, word: str) -> None:
    refused(many, mutate, word)


def test_an_empty_text_seen_as_a_village_is_no_name(many: Net) -> None:
    def mutate(b: dict[str, Any]) -> None:
        first = dict(b["institutions"][0])
        b["institutions"][0]["village"] = ""
        twin = {**first, "id": "1" * 8 + "-1111-1111-1111-" + "1" * 12, "name": "", "village": None}
        b["institutions"].append(twin)
    refused(many, mutate, "tên thiết chế")


def test_repeated_values_are_accepted(many: Net) -> None:
    body = body_of(many.a.export().read_bytes())
    assert len({r["author_key"] for r in body["records"]}) == 1 and len(body["records"]) == 4
    result = import_file(many.hub.store, many.a.export())
    assert result.status == "accepted" and result.new == 4


# -- the local state is reloaded when a file changed it ------------------------------------------------------
def test_a_batch_reads_later_files_with_certificates_an_earlier_file_brought(tmp_path: Path) -> None:
    """The province knows commune 14389 only through hub 372's certificate, which the hub's bundle carries:
    in one batch, the commune's own bundle after the hub's is readable; before it, quarantined."""
    from lhtl_desktop.services import institutions

    province = make_node(tmp_path, "37", "Phạm Thị Tỉnh")
    hub = make_node(tmp_path, "372", "Lê Văn Cụm")
    commune = make_node(tmp_path, "14389", "Nguyễn Văn A")
    enrol(province, hub)
    enrol(hub, commune)
    inst = institutions.add_institution(commune.store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    commune.set(inst.id, "2025", LIB_VISITS=10)
    assert import_file(hub.store, commune.export()).status == "accepted"
    hub_file = hub.export()
    commune.set(inst.id, "2025", LIB_VISITS=11)
    direct = commune.export("37")

    early = make_node(tmp_path / "early", "37")
    enrol(early, hub)
    assert [r.status for r in import_files(early.store, [direct, hub_file], backup=False)] == [
        "quarantined", "accepted"]

    results = import_files(province.store, [hub_file, direct], backup=False)
    assert [r.status for r in results] == ["accepted", "accepted"], [r.reason for r in results]
    assert results[1].changed == 1
    from lhtl_desktop.services.entry import current_values

    assert current_values(province.store, inst.id, "2025")["LIB_VISITS"].value == 11
    for n in (province, hub, commune, early):
        n.store.close()


# -- export: the objects are written in key order without sorting them again -----------------------------------
def test_an_export_is_the_sorted_json_of_its_body(many: Net) -> None:
    """The exporter builds every object with its keys in order and seals without sort_keys: the payload must
    be byte for byte what sorting would give, and carry every stored record as bundle.record_wire writes it."""
    import base64
    import gzip

    from lhtl_desktop.storage import sync_store
    from lhtl_desktop.sync.bundle import record_wire

    many.a.set("lib", "2025", why=None, LIB_VISITS=1001)
    assert import_file(many.hub.store, many.a.export()).status == "accepted"
    assert import_file(many.hub.store, many.b.export()).status == "accepted"
    path = many.hub.export("37")
    raw = gzip.decompress(base64.b64decode(json.loads(path.read_bytes())["payload"]))
    body = json.loads(raw)
    assert raw == json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    stored = sync_store.scope_records(many.hub.store, body["scope"])
    assert body["records"] == [record_wire(r) for r in stored] and len(stored) == 6
