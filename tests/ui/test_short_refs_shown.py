"""The window shows each institution's short reference: a column of «Thiết chế» and the entry form's heading."""

from __future__ import annotations

from PySide6.QtCore import Qt

from lhtl_desktop.ui.institutions_page import InstitutionsPage

from .test_entry_page import open_page


def test_institutions_list_has_the_short_reference(qtbot, commune):
    page = InstitutionsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()
    model = page.model
    column = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) for c in range(model.columnCount())].index("Mã ngắn")
    shown = {model.index(r, 1).data(): model.index(r, column).data() for r in range(model.rowCount())}
    # the fixture adds the library, the centre, then three village houses, in that order
    assert shown["Thư viện xã Gia Lâm"] == "14389-1"
    assert shown["Trung tâm Văn hóa – Thể thao xã Gia Lâm"] == "14389-2"
    assert sorted(shown[f"Nhà văn hóa {v}"] for v in ("Thôn Đông", "Thôn Tây", "Thôn Trung")) == [
        "14389-3", "14389-4", "14389-5"]


def test_entry_heading_names_the_short_reference(qtbot, commune):
    page = open_page(qtbot, commune, commune.centre)
    assert "14389-2 · Trung tâm văn hóa – thể thao xã" in page.heading.text()

