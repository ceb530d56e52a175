"""First run: find the unit without diacritics, type the officer's Vietnamese name, get a key."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from lhtl_desktop.services.installation import installation, is_initialised
from lhtl_desktop.services.setup import fold, matches
from lhtl_desktop.sync.keys import open_private
from lhtl_desktop.ui.wizard import SetupWizard

from .conftest import commit_text, press, type_text


def test_fold_and_match_ignore_diacritics_and_d_bar():
    assert fold("Xã Gia Lâm") == "xa gia lam"
    assert fold("  Phường  Đông Hải ") == "phuong dong hai"
    assert matches("gia lam", "Xã Gia Lâm")
    assert matches("GIA LÂM", "Xã Gia Lâm")
    assert matches("dong", "Phường Đông Hải")
    assert not matches("gia lam", "Xã Gia Vân")


def test_wizard_creates_installation_with_protected_key(qtbot, store, app):
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.unit_page
    assert page.province.currentData() == "37"
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled() is False
    page.search.setFocus()
    type_text(page.search, "gia lam")
    names = [page.model.row_at(r).name for r in range(page.model.rowCount())]
    assert names == ["Xã Gia Lâm"]
    assert page.unit() is not None and page.unit().code == "14389"
    wizard.next()

    officer = wizard.officer_page
    type_text(officer.officer, "Nguyễn Thị ")
    commit_text(officer.officer, "Hoa")
    type_text(officer.passphrase, "ngắn")
    type_text(officer.again, "ngắn")
    wizard.next()
    assert wizard.currentPage() is officer  # too short: refused with a message
    assert "ít nhất 8" in officer.message.text()
    officer.passphrase.clear()
    officer.again.clear()
    type_text(officer.passphrase, "mật khẩu dài")
    type_text(officer.again, "mật khẩu dài")
    wizard.next()
    assert wizard.currentPage() is wizard.confirm_page
    assert "Xã Gia Lâm" in wizard.confirm_page.summary.text()
    assert not is_initialised(store)
    wizard.next()  # commit: key + installation off the UI thread
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)

    me = installation(store)
    assert me.unit.code == "14389" and me.officer == "Nguyễn Thị Hoa"
    row = store.own_key()
    assert row is not None
    assert wizard.fingerprint_page.fingerprint.text() == row["fingerprint"]
    assert len(row["fingerprint"].replace(" ", "")) == 24
    assert json.loads(row["private_key"])["scheme"] == "scrypt-aesgcm"
    open_private(row["private_key"], "mật khẩu dài")  # the passphrase typed opens it


def test_fingerprint_sheet_as_pdf(qtbot, store, app, tmp_path):
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    type_text(wizard.unit_page.search, "14389")
    wizard.next()
    type_text(wizard.officer_page.officer, "Lê Văn Bình")
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)
    out = tmp_path / "fp.pdf"
    wizard.fingerprint_page.write_pdf(str(out))
    assert out.read_bytes().startswith(b"%PDF")
    press(wizard, Qt.Key.Key_Escape)


def test_wizard_by_keyboard_alone(qtbot, store, app):
    """Typed as an officer would, every key to the focused widget: the commune's name (not the province box),
    Enter, the officer's name and passphrase with Tab between, Enter, Enter to create, Enter to finish."""
    from PySide6.QtWidgets import QApplication

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.unit_page.search)

    def keys(text: str) -> None:
        type_text(QApplication.focusWidget(), text)

    def key(k: Qt.Key) -> None:
        press(QApplication.focusWidget(), k)

    keys("gia lam")
    assert wizard.unit_page.province.currentData() == "37"  # the province box was not typed into
    assert wizard.unit_page.unit() is not None and wizard.unit_page.unit().code == "14389"
    key(Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.officer_page
    assert QApplication.focusWidget() is wizard.officer_page.officer
    keys("Nguyễn Thị Hoa")
    key(Qt.Key.Key_Tab)
    keys("mật khẩu dài")
    key(Qt.Key.Key_Tab)
    keys("mật khẩu dài")
    key(Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.confirm_page
    key(Qt.Key.Key_Return)  # «Tạo khóa và thiết lập», in the background
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)
    finished: list[int] = []
    wizard.finished.connect(finished.append)
    key(Qt.Key.Key_Return)  # «Hoàn tất», not «In dấu vân tay…»
    assert finished == [1]
    me = installation(store)
    assert (me.unit.code, me.officer) == ("14389", "Nguyễn Thị Hoa")
    open_private(store.own_key()["private_key"], "mật khẩu dài")


def test_wizard_down_arrow_picks_among_several_matches(qtbot, store, app):
    from PySide6.QtWidgets import QApplication

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.unit_page.search)
    type_text(wizard.unit_page.search, "gia")
    assert wizard.unit_page.model.rowCount() > 1 and wizard.unit_page.unit() is None
    press(wizard.unit_page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is wizard.unit_page.table
    assert wizard.unit_page.unit() is not None
