"""Cài đặt → «Thể thức văn bản»: the sheet's NĐ 30 formalities typed in the window are what `report` prints;
a bad value is refused in place and nothing is written."""

from __future__ import annotations

from PySide6.QtCore import Qt

from lhtl_desktop.services.reports import build_report
from lhtl_desktop.ui.settings_page import SettingsPage

from .conftest import commit_text, type_text


def test_formalities_typed_in_settings_reach_the_sheet(qtbot, commune):
    page = SettingsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()
    tab = page.formalities_tab
    assert tab.abbreviation.text() == "UBND" and tab.issuer.toPlainText() == "UBND XÃ GIA LÂM"
    assert tab.place.text() == "Gia Lâm" and tab.number.text() == ""
    type_text(tab.number, "15")
    tab.signer_title.setPlainText("")
    type_text(tab.signer_title, "KT. CHỦ TỊCH")
    qtbot.keyClick(tab.signer_title, Qt.Key.Key_Return)
    type_text(tab.signer_title, "PHÓ CHỦ TỊCH")
    type_text(tab.signer_name, "Lê Thị ")
    commit_text(tab.signer_name, "Hoà")
    tab.save()  # a write on the window's writer
    qtbot.waitUntil(lambda: tab.message.text() == "Đã lưu.", timeout=20_000)
    f = build_report(commune.store, 2025).formalities
    assert f.number_line == "Số: 15/BC-UBND"
    assert f.signer_title == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") and f.signer_name == "Lê Thị Hoà"


def test_bad_number_is_refused_in_place(qtbot, commune):
    page = SettingsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()
    before = commune.store.dump()
    tab = page.formalities_tab
    type_text(tab.number, "15b")
    type_text(tab.signer_name, "Lê Văn Tám")
    tab.save()
    qtbot.waitUntil(lambda: "Số văn bản «15b» không hợp lệ" in tab.message.text(), timeout=20_000)
    commune.ctx.ops.wait_idle()
    assert commune.store.dump() == before
