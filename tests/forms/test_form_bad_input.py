"""Bad return forms: each refused with one Vietnamese line, exit 3 from `form import`, and nothing written."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from lhtl_desktop.cli import main
from lhtl_desktop.services.forms import export_forms
from lhtl_desktop.services.forms.xlsx_in import MAX_FORM_BYTES
from lhtl_desktop.storage import open_store
from tests.forms.support import GIA_LAM, GIA_TUONG, fill, hub_store


@pytest.fixture
def hub(tmp_path: Path) -> tuple[Path, Path]:
    """(database, a form of Gia Lâm 2025 filled with one good value)."""
    db = tmp_path / "hub.sqlite3"
    store, _ids = hub_store(db)
    form = export_forms(store, GIA_LAM, "2025", tmp_path / "bieu.xlsx")[0]
    store.close()
    filled = fill(form, tmp_path / "bieu-da-dien.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1234}})
    return db, filled


def _refused(db: Path, capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> dict[str, object]:
    store = open_store(db)
    dump = store.dump()
    store.close()
    capsys.readouterr()
    code = main(["--db", str(db), "form", "import", str(path), "--json", *extra])
    out = capsys.readouterr().out
    result = json.loads(out)[0]
    assert code == 3 and result["status"] == "rejected", out
    assert "\n" not in str(result["reason"]) and result["reason"]
    store = open_store(db)
    assert store.dump() == dump, "a refused form wrote something"
    store.close()
    return result


def _edit(src: Path, dst: Path, change: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def test_good_form_is_accepted(hub: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    assert main(["--db", str(db), "form", "import", str(filled), "--dry-run"]) == 0


def test_not_our_form(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, _filled = hub
    other = tmp_path / "bao-cao.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Lượt người sử dụng thư viện"  # type: ignore[index]
    wb.save(other)
    result = _refused(db, capsys, other)
    assert result["reason"] == ("Tệp «bao-cao.xlsx» không phải biểu nhập số liệu của chương trình (không có phần mã "
                                "của biểu). Hãy dùng biểu xuất từ chương trình («form export»).")


def test_form_of_another_unit_or_period(hub: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    assert _refused(db, capsys, filled, "--unit", GIA_TUONG)["reason"] == (
        "Biểu này của Xã Gia Lâm (14389), không phải của đơn vị đang chờ (14401): không nhập.")
    assert _refused(db, capsys, filled, "--period", "2024")["reason"] == (
        "Biểu này cho kỳ Năm 2025, không phải kỳ Năm 2024: không nhập.")


def test_form_of_a_unit_outside_my_scope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, filled_elsewhere = tmp_path / "hub.sqlite3", tmp_path / "khac.xlsx"
    other_store, _ids = hub_store(tmp_path / "other.sqlite3")
    export_forms(other_store, GIA_LAM, "2025", filled_elsewhere)
    other_store.close()
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.sync.keys import generate_key

    store = open_store(db)
    init_installation(store, "370", "Lê Văn Cường", generate_key(None))  # hub Tam Điệp: Gia Lâm is not mine
    store.close()
    assert _refused(db, capsys, filled_elsewhere)["reason"] == (
        "Biểu này của Xã Gia Lâm (14389), không thuộc phạm vi của Thành phố Tam Điệp (cũ): không nhập.")


STRUCTURE = ("Cấu trúc biểu «{name}» đã bị sửa (dòng, cột hoặc trang tính bị thêm, xóa hay di chuyển): không nhập. "
             "Hãy điền lại vào biểu gốc, không thêm, xóa hay di chuyển dòng, cột.")


@pytest.mark.parametrize("edit", [
    pytest.param(lambda wb: wb["Thư viện"].move_range("F3:G20", cols=2), id="moved-columns"),
    pytest.param(lambda wb: wb["Thư viện"].delete_rows(6), id="deleted-row"),
    pytest.param(lambda wb: wb["Thư viện"].delete_cols(1), id="deleted-key-column"),
    pytest.param(lambda wb: wb["Thư viện"].insert_cols(8), id="inserted-column"),
    pytest.param(lambda wb: wb.remove(wb["Bảo tàng"]), id="deleted-sheet"),
    pytest.param(lambda wb: wb["_lhtl"].__setitem__("B3", GIA_TUONG), id="edited-unit-key"),
])
def test_edited_structure(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          edit: Callable[[Workbook], None]) -> None:
    db, filled = hub
    bad = _edit(filled, tmp_path / "sua.xlsx", edit)
    assert _refused(db, capsys, bad)["reason"] == STRUCTURE.format(name="sua.xlsx")


def test_password_protected(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    db, filled = hub
    locked = tmp_path / "mat-khau.xlsx"
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(filled.read_bytes())).encrypt("matkhau123", out)
    locked.write_bytes(out.getvalue())
    assert _refused(db, capsys, locked)["reason"] == (
        "Tệp «mat-khau.xlsx» có mật khẩu (đã mã hóa) hoặc là định dạng Excel cũ (.xls): hãy bỏ mật khẩu và lưu lại "
        "dạng .xlsx rồi nhập lại.")


@pytest.mark.parametrize("damage", [
    pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
    pytest.param(lambda b: b"not a workbook at all", id="garbage"),
    pytest.param(lambda b: b[:2000] + bytes(x ^ 0x5A for x in b[2000:4000]) + b[4000:], id="flipped-bytes"),
])
def test_corrupt(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                 damage: Callable[[bytes], bytes]) -> None:
    db, filled = hub
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(damage(filled.read_bytes()))
    reason = str(_refused(db, capsys, bad)["reason"])
    assert reason.startswith("Tệp «hong.xlsx» bị hỏng")


def test_huge_file(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    big = tmp_path / "lon.xlsx"
    shutil.copy(filled, big)
    with big.open("ab") as fh:
        fh.truncate(MAX_FORM_BYTES + 1)
    assert _refused(db, capsys, big)["reason"] == (
        "Tệp «lon.xlsx» quá lớn (5.0 MB; biểu của chương trình nhỏ hơn 5 MB): không nhận.")


def test_zip_bomb_inside_the_cap(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * (80 * 1024 * 1024))
    assert bomb.stat().st_size < MAX_FORM_BYTES
    assert _refused(db, capsys, bomb)["reason"] == "Tệp «bom.xlsx» quá lớn khi giải nén: không nhận."


def test_xlsm_and_macros(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    xlsm = tmp_path / "bieu.xlsm"
    shutil.copy(filled, xlsm)
    assert _refused(db, capsys, xlsm)["reason"] == (
        "Tệp «bieu.xlsm» là sổ Excel có macro (.xlsm): không nhận. Hãy mở biểu và lưu lại dạng «Excel Workbook "
        "(.xlsx)».")
    renamed = tmp_path / "doi-ten.xlsx"  # a macro workbook renamed .xlsx: found by its content
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(renamed, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    assert _refused(db, capsys, renamed)["reason"] == (
        "Tệp «doi-ten.xlsx» có macro: không nhận. Hãy lưu lại dạng .xlsx không có macro.")


def test_external_links(hub: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    linked = tmp_path / "lien-ket.xlsx"
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(linked, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    assert _refused(db, capsys, linked)["reason"].startswith("Tệp «lien-ket.xlsx» có liên kết tới tệp khác")


def test_formula_cell_refused_unless_cached_value_accepted(hub: tuple[Path, Path], tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub
    formula = _edit(filled, tmp_path / "cong-thuc.xlsx", lambda wb: wb["Thư viện"].__setitem__("H6", "=F6*2"))
    result = _refused(db, capsys, formula)
    assert result["errors"] == [{"sheet": "Thư viện", "cell": "H6", "message": (
        "ô có công thức; hãy nhập số trực tiếp (hoặc chọn «dùng giá trị đã tính» nếu biểu đã được tính)")}]
    # openpyxl stores no computed value: even when the officer accepts computed values, there is none to use.
    result = _refused(db, capsys, formula, "--use-cached-values")
    assert result["errors"][0]["message"] == (
        "ô có công thức nhưng tệp không lưu giá trị đã tính; hãy nhập số trực tiếp")


def test_values_typed_below_the_table_are_not_lost_silently(hub: tuple[Path, Path], tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db, filled = hub

    def below(wb: Workbook) -> None:
        ws = wb["Văn hóa, nhà văn hóa"]
        ws.cell(row=ws.max_row + 2, column=4, value="Nhà văn hóa thôn Mới")

    bad = _edit(filled, tmp_path / "duoi.xlsx", below)
    result = _refused(db, capsys, bad)
    [error] = result["errors"]  # type: ignore[misc]
    assert error["sheet"] == "Văn hóa, nhà văn hóa" and error["message"].startswith("ô nằm ngoài bảng của biểu")
