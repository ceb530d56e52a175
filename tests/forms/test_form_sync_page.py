"""The «Đồng bộ» page takes Excel return forms next to bundles: drop a form with bad cells → the cells to fix are
listed and nothing is written; drop a good one → preview, then import (new institution and values)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from lhtl_desktop.services import entry
from lhtl_desktop.services.forms import export_forms
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.sync_page import SyncPage
from tests.forms.support import GIA_LAM, fill, hub_store

VH = "Nhà văn hóa – khu thể thao thôn, tổ dân phố"


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    from lhtl_desktop.ui.app import create_application

    return create_application(["lhtl"])


def drop(page: SyncPage, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)


def cell(model, row: int, col: int) -> str:  # type: ignore[no-untyped-def]
    return str(model.data(model.index(row, col)))


def forms(tmp_path: Path) -> tuple[Store, dict[str, str], Path, Path]:
    store, ids = hub_store(tmp_path / "hub.sqlite3")
    form = export_forms(store, GIA_LAM, "2025", tmp_path / "bieu.xlsx")[0]
    bad = fill(form, tmp_path / "bieu-sai.xlsx", "Thư viện",
               {"Thư viện xã Gia Lâm": {"LIB_VISITS": "1.234", "LIB_READERS": -3, "LIB_DIGITAL_SERVICE": 5}})
    good = fill(form, tmp_path / "bieu-dung.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1234}})
    good = fill(good, good, "Văn hóa, nhà văn hóa", {},
                [{"type": VH, "name": "Nhà văn hóa thôn Tây", "village": "Thôn Tây", "CC_ACTIVITIES": 13}])
    return store, ids, bad, good


def test_bad_cells_listed_then_good_form_imported(qtbot, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, ids, bad, good = forms(tmp_path)
    dump = store.dump()
    ctx = AppContext(store)
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    drop(page, [bad])
    assert page.files.item(0).text() == "bieu-sai.xlsx"
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: page.form_section.last_results != [], timeout=20_000)
    errors = page.form_section.errors_model
    assert [(cell(errors, r, 1), cell(errors, r, 2)) for r in range(errors.rowCount())] == [
        ("Thư viện", "F6"), ("Thư viện", "H6"), ("Thư viện", "R6")]
    assert cell(errors, 1, 3) == "«Số thẻ bạn đọc»: không được nhập số âm."
    assert cell(page.results_model, 0, 1) == "bị từ chối"
    assert "3 ô không hợp lệ" in cell(page.results_model, 0, 7)
    assert ctx.ops.read_now(lambda s: s.dump()) == dump  # nothing written

    page._clear_files()
    drop(page, [good])
    page.run_import(dry_run=True)
    qtbot.waitUntil(lambda: page.form_section.last_results[0].file.endswith("bieu-dung.xlsx"), timeout=20_000)
    assert cell(page.results_model, 0, 1) == "sẽ nhập"
    assert not page.form_section.errors_view.isVisibleTo(page)
    names = [cell(page.preview_model, r, 2) for r in range(page.preview_model.rowCount())]
    assert "Nhà văn hóa thôn Tây (thiết chế mới)" in names
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: not page.form_section.last_results[0].dry_run, timeout=20_000)
    assert cell(page.results_model, 0, 1) == "đã nhập"
    got = ctx.ops.read_now(lambda s: entry.get_values(s, ids["lib"], "2025")["LIB_VISITS"].value)
    assert got == 1234


def test_hub_exports_every_communes_form_at_once(qtbot, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ids = hub_store(tmp_path / "hub.sqlite3")
    page = SyncPage(AppContext(store))
    qtbot.addWidget(page)
    page.refresh()
    box = page.form_export
    labels = [box.unit.itemText(i) for i in range(box.unit.count())]
    assert labels[0] == "Tất cả xã, phường của Huyện Nho Quan (cũ) (mỗi xã một biểu)"
    assert "Xã Gia Lâm" in labels
    out = tmp_path / "usb"
    out.mkdir()
    box.period.setText("2025")
    box.export(str(out))
    qtbot.waitUntil(lambda: bool(box.last_written), timeout=20_000)
    names = sorted(p.name for p in out.iterdir())
    assert "bieu-14389-Gia-Lam-2025.xlsx" in names and "bieu-14401-Gia-Tuong-2025.xlsx" in names
    assert len(names) == len(labels) - 1  # one form per commune of the hub
    assert box.result.text().startswith(f"Đã ghi {len(names)} biểu vào")
    box.kind.setCurrentIndex(1)  # paper
    box.unit.setCurrentIndex(labels.index("Xã Gia Lâm"))
    box.last_written = []
    box.export(str(out))
    qtbot.waitUntil(lambda: bool(box.last_written), timeout=20_000)
    assert (out / "bieu-14389-Gia-Lam-2025.pdf").read_bytes().startswith(b"%PDF")
