"""Paper that carries signed data: a commune's sheet printed, rendered at 150 dpi like a scan, its QR codes read
back and imported at the hub exactly like a bundle; `sheet verify` on paper; and every bad photo refused with one
Vietnamese line and nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from PIL import Image

from lhtl_desktop.cli import main
from lhtl_desktop.services import institutions
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync import sheet_codes
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, pae
from lhtl_desktop.sync.sheet_codes import DATA, VERIFY, Frame, parse_frame
from tests.sync.conftest import Net, Node

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


def run(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(node.store.path), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def grow(node: Node) -> None:
    """A commune with a centre and eight village houses: more values than one code holds."""
    inst = institutions.add_institution(node.store, node.unit, "cc_commune", "Trung tâm Văn hóa – Thể thao xã")
    node.institutions["cc"] = inst.id
    node.set("cc", "2025", CC_CLUBS=3, CC_ACTIVITIES=24, CC_PARTICIPANTS=2100, CC_MEMBERS=140)
    node.set("lib", "2024", LIB_VISITS=900)
    for k in range(1, 9):
        house = institutions.add_institution(node.store, node.unit, "village_house", f"Nhà văn hóa thôn {k}",
                                             f"Thôn {k}")
        node.institutions[f"vh{k}"] = house.id
        node.set(f"vh{k}", "2025", CC_CLUBS=k % 3, CC_ACTIVITIES=6 + k, CC_PARTICIPANTS=100 * k, CC_MEMBERS=10 + k)


def render(pdf: Path, folder: Path, dpi: int = 150) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "trang")], check=True)
    return sorted(folder.glob("trang-*.png"))


def sheet_photo(capsys: pytest.CaptureFixture[str], node: Node, folder: Path) -> tuple[Path, list[Path]]:
    pdf = folder / f"bieu-{node.unit}.pdf"
    code, _out, err = run(capsys, node, "report", "--period", "2025", "--out", str(pdf))
    assert code == 0, err
    return pdf, render(pdf, folder / f"png-{node.unit}")


def photo_with_codes(pages: list[Path]) -> Path:
    return next(p for p in pages if any(f.kind == DATA for f in _frames_or_none(p)))


def _frames_or_none(path: Path) -> list[Frame]:
    try:
        return sheet_codes.read_image(path)
    except Exception:
        return []


def values_of(node: Node, inst_ids: list[str], capsys: pytest.CaptureFixture[str],
              periods: tuple[str, ...] = ("2025",)) -> dict[tuple[str, str], dict[str, object]]:
    out = {}
    for inst in inst_ids:
        for period in periods:
            code, text, err = run(capsys, node, "get", "--institution", inst, "--period", period, "--json")
            assert code == 0, err
            out[(inst, period)] = json.loads(text)
    return out


def png_of_frames(frames: list[bytes], path: Path) -> Path:
    """Codes as the program draws them (byte mode, error correction M), side by side on white, like a photo
    of a sheet someone made by hand."""
    images = []
    for f in frames:
        q = segno.make(f, error="m", mode="byte", boost_error=False)
        tmp = path.with_suffix(f".{len(images)}.png")
        q.save(tmp, kind="png", scale=4, border=4)
        images.append(Image.open(tmp).convert("L"))
    canvas = Image.new("L", (sum(i.width for i in images) + 20 * len(images), max(i.height for i in images)), 255)
    x = 0
    for i in images:
        canvas.paste(i, (x, 0))
        x += i.width + 20
    canvas.save(path)
    return path


def rebuild(frames: list[Frame]) -> list[bytes]:
    return [sheet_codes._frame(f.kind, f.set_id, f.index, f.total, f.chunk) for f in frames]


# -- the round trip ---------------------------------------------------------------------------------------
def test_a_commune_sheet_at_150_dpi_is_imported_at_the_hub_like_a_bundle(
        net: Net, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grow(net.a)
    pdf, pages = sheet_photo(capsys, net.a, tmp_path)
    photo = photo_with_codes(pages)
    frames = sheet_codes.read_image(photo)
    data = [f for f in frames if f.kind == DATA]
    assert len(data) >= 2 and {f.index for f in data} == set(range(data[0].total))  # a set of several codes
    assert [f.kind for f in frames].count(VERIFY) == 1

    exports = net.a.store.db.execute("SELECT seq, to_unit, file_name FROM sync_exports").fetchall()
    assert exports == [(1, "372", pdf.name)]  # the sheet is a numbered bundle to the hub

    code, out, err = run(capsys, net.hub, "import", str(photo), "--json")
    assert code == 0, err
    (result,) = json.loads(out)
    assert result["status"] == "accepted" and result["from_unit"] == "14389" and result["seq"] == 1
    ids = list(net.a.institutions.values())
    assert result["new"] == 2 + 4 + 8 * 4 + 1  # every value of 2025, and the library's 2024 visits
    assert values_of(net.hub, ids, capsys, ("2025", "2024")) == values_of(net.a, ids, capsys, ("2025", "2024"))

    # the same photo again: the reader's dedup, nothing changes
    before = net.hub.store.dump()
    code, out, _err = run(capsys, net.hub, "import", str(photo), "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "duplicate"
    assert net.hub.store.dump() == before

    # and the hub checks the paper against what it now holds
    code, out, err = run(capsys, net.hub, "sheet", "verify", str(photo))
    assert code == 0 and "khớp với số liệu trong máy" in out, out + err


def test_an_unenrolled_communes_photo_is_quarantined_like_its_bundle(
        net: Net, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.sync.conftest import make_node

    stranger = make_node(tmp_path, "14404", "Cán bộ lạ")  # Cúc Phương, under hub 372, key never enrolled
    inst = institutions.add_institution(stranger.store, stranger.unit, "lib_commune", "Thư viện xã Cúc Phương")
    stranger.set(inst.id, "2025", LIB_VISITS=10)
    _pdf, pages = sheet_photo(capsys, stranger, tmp_path)
    code, out, err = run(capsys, net.hub, "import", str(photo_with_codes(pages)), "--json")
    assert code == 3 and json.loads(out)[0]["status"] == "quarantined"
    assert net.hub.store.db.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0] == 1
    stranger.store.close()


# -- bad photos ---------------------------------------------------------------------------------------------
def refused(capsys: pytest.CaptureFixture[str], node: Node, photo: Path, words: str) -> None:
    before = node.store.dump()
    code, out, err = run(capsys, node, "import", str(photo), "--json")
    assert code == 3, out + err
    (result,) = json.loads(out)
    assert result["status"] == "rejected" and words in result["reason"], result["reason"]
    assert len(result["reason"].splitlines()) == 1
    assert node.store.dump() == before


def test_bad_photos_are_refused_and_nothing_is_written(net: Net, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    grow(net.a)
    _pdf, pages = sheet_photo(capsys, net.a, tmp_path)
    photo = photo_with_codes(pages)
    frames = sheet_codes.read_image(photo)
    data = sorted((f for f in frames if f.kind == DATA), key=lambda f: f.index)

    # a page with no code at all
    refused(capsys, net.hub, pages[0], "Không tìm thấy mã QR")
    # a photo that is no image
    junk = tmp_path / "anh.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    refused(capsys, net.hub, junk, "không phải ảnh đọc được")
    # one code of the set missing (cropped away, or unreadable)
    refused(capsys, net.hub, png_of_frames(rebuild(data[1:]), tmp_path / "thieu.png"), "thiếu mã số 1")
    # a byte changed inside a code (it still decodes: the set's hash catches it)
    bad = list(data)
    chunk = bytearray(bad[0].chunk)
    chunk[100] ^= 0x01
    bad[0] = Frame(DATA, bad[0].set_id, 0, bad[0].total, bytes(chunk))
    refused(capsys, net.hub, png_of_frames(rebuild(bad), tmp_path / "hong.png"), "bị hỏng hoặc bị sửa")
    # codes of two different sheets in one picture
    grow(net.b)
    _pdf_b, pages_b = sheet_photo(capsys, net.b, tmp_path)
    other = [f for f in sheet_codes.read_image(photo_with_codes(pages_b)) if f.kind == DATA]
    refused(capsys, net.hub, png_of_frames(rebuild([data[0], *other[1:]]), tmp_path / "tron.png"),
            "nhiều biểu khác nhau")
    # only the verification code: a province or hub sheet carries no data
    refused(capsys, net.hub, png_of_frames(rebuild([f for f in frames if f.kind == VERIFY]), tmp_path / "v.png"),
            "chỉ có mã kiểm tra")
    # a code for another unit: commune A's sheet (addressed to its hub) taken to the province, which trusts A's
    # key through the hub's certificate
    from tests.sync.conftest import enrol, make_node

    province = make_node(tmp_path, "37", "Cán bộ tỉnh")
    enrol(province, net.hub)
    code, _out, err = run(capsys, province, "import", str(net.hub.export()))
    assert code == 0, err
    refused(capsys, province, photo, "không phải cho Tỉnh Ninh Bình")
    province.store.close()


def test_a_forged_signature_is_refused(net: Net, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A's values re-signed with B's key under A's key id: validly framed, wrongly signed."""
    _pdf, pages = sheet_photo(capsys, net.a, tmp_path)
    data = sorted((f for f in sheet_codes.read_image(photo_with_codes(pages)) if f.kind == DATA),
                  key=lambda f: f.index)
    whole = b"".join(f.chunk for f in data)
    key_id, payload = whole[:16], whole[80:]
    forged = key_id + net.b.private().sign(pae(BUNDLE_TYPE, payload)) + payload
    set_id = hashlib.sha256(forged).digest()[:4]
    chunks = [forged[i:i + 1000] for i in range(0, len(forged), 1000)]
    frames = [sheet_codes._frame(DATA, set_id, i, len(chunks), c) for i, c in enumerate(chunks)]
    refused(capsys, net.hub, png_of_frames(frames, tmp_path / "gia.png"), "Chữ ký của gói không hợp lệ")


def test_frames_of_others_are_ignored_and_ours_are_strict() -> None:
    assert parse_frame(b"https://example.org/") is None
    assert parse_frame(b"LHTLD\x02" + b"\0" * 20) is None  # an unknown frame version
    assert parse_frame(b"LHTLD\x01abcd\x03\x03xyz") is None  # index beyond the total
    f = parse_frame(b"LHTLD\x01abcd\x01\x02xyz")
    assert f == Frame(DATA, b"abcd", 1, 2, b"xyz")


# -- sheet verify -----------------------------------------------------------------------------------------------
def test_sheet_verify_names_the_target_whose_number_changed(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from lhtl_desktop.services import entry
    from tests.reports.data import build_province

    store = open_store(tmp_path / "tinh.sqlite3")
    built = build_province(store)
    pdf = tmp_path / "tinh.pdf"
    db = str(store.path)
    capsys.readouterr()
    assert main(["--db", db, "report", "--period", "2025", "--out", str(pdf)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "sheet", "verify", str(pdf), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["match"] is True and first["differences"] == [] and first["scope"] == "37"

    # Gia Tường's library reports no reading events after all: 2 of 3 commune libraries → 1 of 3
    entry.set_values(store, built.ids["lib_gt"], "2025", {"LIB_READING_EVENTS": "0"}, why="Sửa theo biên bản")
    assert main(["--db", db, "sheet", "verify", str(pdf), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["match"] is False
    assert second["differences"] == [{"target": "LIB_COMM_LLL", "label": "Thư viện cấp xã cung cấp dịch vụ học "
                                      "tập suốt đời", "sheet": [2, 3], "here": [1, 3]}]
    assert main(["--db", db, "sheet", "verify", str(pdf)]) == 0
    text = capsys.readouterr().out
    assert "KHÔNG khớp" in text and "LIB_COMM_LLL" in text and "trên biểu 2/3, trong máy 1/3" in text
    assert "LIB_PROV_LLL" not in text
    store.close()


def test_sheet_verify_refuses_what_it_cannot_trust(net: Net, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _pdf, pages = sheet_photo(capsys, net.a, tmp_path)
    frames = sheet_codes.read_image(photo_with_codes(pages))
    (v,) = [f for f in frames if f.kind == VERIFY]
    # a number changed in the code after signing
    text = v.chunk.replace(b"[1,1]", b"[0,1]", 1)
    assert text != v.chunk
    set_id = hashlib.sha256(text).digest()[:4]  # the frame's own check redone: only the signature can tell
    forged = png_of_frames([sheet_codes._frame(VERIFY, set_id, 0, 1, text)], tmp_path / "sua.png")
    for node, photo, words in (
            (net.hub, forged, "Chữ ký trong mã QR"),
            (net.hub, pages[0], "Không tìm thấy mã QR"),
    ):
        before = node.store.dump()
        code, out, err = run(capsys, node, "sheet", "verify", str(photo))
        assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1, err
        assert node.store.dump() == before
    # a key nobody enrolled here: a commune's sheet shown at another commune
    code, out, err = run(capsys, net.b, "sheet", "verify", str(photo_with_codes(pages)))
    assert code == 2 and "khóa chưa đăng ký" in err


def test_a_protected_key_signs_the_codes_only_with_its_passphrase(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.sync.keys import generate_key

    store = open_store(tmp_path / "xa.sqlite3")
    init_installation(store, "14389", "Nguyễn Văn An", generate_key("mật khẩu dài"))
    node = Node(store, "14389", tmp_path)
    inst = institutions.add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    node.set(inst.id, "2025", LIB_VISITS=10, LIB_SKILL_CLASSES=1)
    pdf = tmp_path / "xa.pdf"
    code, out, err = run(capsys, node, "report", "--period", "2025", "--out", str(pdf), "--json")
    assert code == 0 and json.loads(out)["qr_codes"] == 0 and "--passphrase-env" in err
    with pytest.raises(Exception, match="Không tìm thấy mã QR"):
        sheet_codes.read_image(pdf)
    assert store.db.execute("SELECT count(*) FROM sync_exports").fetchone()[0] == 0  # no bundle number used
    monkeypatch.setenv("MK", "mật khẩu dài")
    code, out, err = run(capsys, node, "report", "--period", "2025", "--out", str(pdf), "--json",
                         "--passphrase-env", "MK")
    assert code == 0 and json.loads(out)["qr_codes"] == 2, err
    assert {f.kind for f in sheet_codes.read_image(pdf)} == {VERIFY, DATA}
    store.close()


def test_codes_stay_inside_the_margins_and_together_on_one_page(net: Net) -> None:
    from lhtl_desktop.cli.report_commands import code_maker
    from lhtl_desktop.services import reports
    from lhtl_desktop.services.reports.layout import (
        A4_LANDSCAPE,
        MARGIN_BOTTOM,
        MARGIN_LEFT,
        MARGIN_RIGHT,
        MARGIN_TOP,
        RectOp,
        layout_report,
    )

    grow(net.a)
    report = reports.build_report(net.a.store, 2025)
    report = reports.with_codes(report, code_maker(net.a.store, None)(report, "x.pdf"))
    assert len(report.codes) >= 3
    doc = layout_report(report)
    pages = [n for n, p in enumerate(doc.pages) if any(isinstance(op, RectOp) for op in p.ops)]
    assert len(pages) == 1  # one photo carries the whole set
    width, height = A4_LANDSCAPE
    for op in doc.pages[pages[0]].ops:
        if isinstance(op, RectOp):
            assert op.x >= MARGIN_LEFT - 0.01 and op.x + op.w <= width - MARGIN_RIGHT + 0.01
            assert op.y >= MARGIN_TOP - 0.01 and op.y + op.h <= height - MARGIN_BOTTOM + 0.01


@pytest.mark.parametrize("scope, year, words", [
    ("372", 2025, "được ký bằng khóa của đơn vị mã 14389"),   # a commune signing its hub's sheet
    ("14401", 2025, "được ký bằng khóa của đơn vị mã 14389"),  # … or its neighbour's
    ("99999", 2025, "Không có đơn vị"),                         # a unit that does not exist
])
def test_sheet_verify_refuses_a_validly_signed_code_for_a_unit_the_signer_does_not_speak_for(
        net: Net, tmp_path: Path, capsys: pytest.CaptureFixture[str], scope: str, year: int, words: str) -> None:
    payload = {"format": "lhtl-sheet-1", "scope": scope, "year": year, "targets": {}, "code": "0000-0000-0000"}
    photo = png_of_frames([sheet_codes.verification_frame(net.a.store, payload)], tmp_path / f"{scope}.png")
    before = net.hub.store.dump()
    code, out, err = run(capsys, net.hub, "sheet", "verify", str(photo))
    assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1, err
    assert net.hub.store.dump() == before


def test_sheet_verify_of_another_year_lists_what_differs(net: Net, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A's sheet of 2025 relabelled 2024 by A itself (validly signed): the hub holds no 2024 values, so every
    target that had numbers on the paper is listed."""
    _pdf, pages = sheet_photo(capsys, net.a, tmp_path)
    (v,) = [f for f in sheet_codes.read_image(photo_with_codes(pages)) if f.kind == VERIFY]
    payload = json.loads(v.chunk[80:])
    payload["year"] = 2024
    photo = png_of_frames([sheet_codes.verification_frame(net.a.store, payload)], tmp_path / "2024.png")
    code, out, err = run(capsys, net.hub, "sheet", "verify", str(photo), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["match"] is False and result["year"] == 2024
    diffs = {d["target"]: (d["sheet"], d["here"]) for d in result["differences"]}
    # 2025 on the paper: one library meeting of one; 1.000 visits over no 2024 sum. The hub holds nothing of A.
    assert diffs == {"LIB_COMM_LLL": ([1, 1], [0, 0]), "LIB_VISITS_GROWTH": ([1000, None], [None, None])}


def test_a_bundle_renamed_like_a_photo_is_still_read_as_a_bundle(net: Net, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    renamed = tmp_path / "goi.png"
    renamed.write_bytes(net.a.export().read_bytes())
    code, out, err = run(capsys, net.hub, "import", str(renamed), "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "accepted", out + err
