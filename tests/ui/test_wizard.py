"""First run: find the unit without diacritics, type the officer's Vietnamese name, get a key."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from lhtl_desktop.services.installation import installation, is_initialised
from lhtl_desktop.services.setup import fold, matches
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.reader import open_reader
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

    def default_is(which: QWizard.WizardButton) -> None:
        """The button that moves on is the one Enter presses."""
        qtbot.waitUntil(lambda: wizard.button(which).isDefault())

    writers: set[int] = set()  # the threads that ran a statement that writes
    store.conn.set_trace_callback(lambda sql: writers.add(threading.get_ident())
                                  if sql.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "BEGIN") else None)
    keys("gia lam")
    assert wizard.unit_page.province.currentData() == "37"  # the province box was not typed into
    assert wizard.unit_page.unit() is not None and wizard.unit_page.unit().code == "14389"
    default_is(QWizard.WizardButton.NextButton)
    key(Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.officer_page
    assert QApplication.focusWidget() is wizard.officer_page.officer
    keys("Nguyễn Thị Hoa")
    key(Qt.Key.Key_Tab)
    keys("mật khẩu dài")
    key(Qt.Key.Key_Tab)
    keys("mật khẩu dài")
    default_is(QWizard.WizardButton.NextButton)
    key(Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.confirm_page
    default_is(QWizard.WizardButton.CommitButton)
    assert writers == set()  # nothing written before «Tạo»
    key(Qt.Key.Key_Return)  # «Tạo khóa và thiết lập», on the writer thread
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)
    assert writers == {wizard.ops.writer_ident} and threading.get_ident() not in writers
    default_is(QWizard.WizardButton.FinishButton)
    finished: list[int] = []
    wizard.finished.connect(finished.append)
    key(Qt.Key.Key_Return)  # «Hoàn tất», not «In dấu vân tay…»
    assert finished == [1]
    store.conn.set_trace_callback(None)
    other = open_store(store.path, create=False)  # what the file holds, through a connection of its own
    try:
        me = installation(other)
        assert (me.unit.code, me.officer) == ("14389", "Nguyễn Thị Hoa")
        open_private(other.own_key()["private_key"], "mật khẩu dài")
        assert other.own_key()["fingerprint"] == wizard.fingerprint_page.fingerprint.text()
    finally:
        other.close()


def test_wizard_down_arrow_picks_among_several_matches(qtbot, store, app):

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


def _to_confirm_page(qtbot, wizard: SetupWizard, officer: str = "Nguyễn Thị Hoa") -> None:  # type: ignore[no-untyped-def]
    wizard.show()
    type_text(wizard.unit_page.search, "gia lam")
    wizard.next()
    commit_text(wizard.officer_page.officer, officer)
    wizard.next()
    assert wizard.currentPage() is wizard.confirm_page


def test_a_read_only_database_refuses_the_set_up_with_its_message_and_nothing_written(qtbot, app, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The file can be read but not written (a read-only disk or folder): «Tạo» shows the runner's Vietnamese
    line on the page instead of a crash, the wizard stays where it is, and the file holds what it held."""
    path = tmp_path / "lhtl.sqlite3"
    open_store(path).close()
    before = open_store(path, create=False)
    dump = before.dump()
    before.close()
    wizard = SetupWizard(open_reader(path))  # every write to it is refused by SQLite itself
    qtbot.addWidget(wizard)
    _to_confirm_page(qtbot, wizard)
    with qtbot.captureExceptions() as raised:
        wizard.next()  # «Tạo khóa và thiết lập»
        qtbot.waitUntil(lambda: bool(wizard.confirm_page.message.text()), timeout=15000)
    assert raised == []
    text = wizard.confirm_page.message.text()
    assert "chỉ cho đọc" in text and "Không có gì bị thay đổi" in text
    assert wizard.currentPage() is wizard.confirm_page and wizard.installation is None and not wizard.busy
    wizard.ops.close()
    after = open_store(path, create=False)
    try:
        assert after.dump() == dump and not is_initialised(after)
    finally:
        after.close()


def test_a_name_the_store_refuses_is_shown_in_the_wizard_then_corrected(qtbot, store, app):  # type: ignore[no-untyped-def]
    """A character the project refuses in a name (a zero-width space pasted with the name) reaches the set-up
    on the writer, which refuses it: its message on the page, nothing written; back, corrected, «Tạo» again."""
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    _to_confirm_page(qtbot, wizard, officer="Nguyễn\u200bThị Hoa")
    dump = store.dump()
    wizard.next()
    qtbot.waitUntil(lambda: bool(wizard.confirm_page.message.text()), timeout=15000)
    assert wizard.confirm_page.message.text() == "Tên cán bộ có ký tự không hợp lệ."
    assert wizard.currentPage() is wizard.confirm_page
    assert store.dump() == dump and not is_initialised(store)
    wizard.back()
    wizard.officer_page.officer.clear()
    commit_text(wizard.officer_page.officer, "Nguyễn Thị Hoa")
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)
    assert installation(store).officer == "Nguyễn Thị Hoa"


def test_the_window_opened_after_the_wizard_writes_through_the_wizards_runner(qtbot, store, app):  # type: ignore[no-untyped-def]
    """One writer from the first write on: the main window takes the wizard's runner over."""
    from lhtl_desktop.ui.app import open_window

    wizard = open_window(store)
    assert isinstance(wizard, SetupWizard)
    qtbot.addWidget(wizard)
    _to_confirm_page(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)
    wizard.accept()
    window = wizard.property("main_window")
    assert window is not None
    qtbot.addWidget(window)
    assert window.ctx.ops is wizard.ops
    window.close()
