"""Text is text on screen: names such as `<img src=…>`, `<a href=…>`, `<b>` (from a bundle or typed) are shown
as those characters in every label, field warning, dialog and message box, never rendered as HTML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import ValueRecord, new_id, now_utc
from lhtl_desktop.ui import dialogs
from lhtl_desktop.ui.dashboard_page import DashboardPage
from lhtl_desktop.ui.entry_page import EntryPage
from lhtl_desktop.ui.institutions_page import CloseDialog, InstitutionDialog, InstitutionsPage
from lhtl_desktop.ui.main_window import MainWindow
from lhtl_desktop.ui.reports_page import ReportsPage
from lhtl_desktop.ui.settings_page import SettingsPage
from lhtl_desktop.ui.sync_page import SyncPage

from .conftest import COMMUNE

HOSTILE = '<b>Đậm</b> <img src="/tmp/huge.png" width="4000"> <a href="http://x.example/">bấm</a>'


def _hostile_institution(commune) -> Institution:  # type: ignore[no-untyped-def]
    """Straight into the store, as a bundle from a careless or hostile sender would leave it."""
    inst = Institution(new_id(), COMMUNE, "lib_commune", HOSTILE, village=HOSTILE)
    with commune.store.atomic():
        commune.store.insert_institution(inst, created_at=now_utc(), vv={"k": 1}, author_key="k", edit_id=new_id())
        commune.store.insert_record(ValueRecord(
            new_id(), inst.id, COMMUNE, "2025", "LIB_VISITS", 10, {"k": 2}, "k", COMMUNE, now_utc(),
            warning=HOSTILE))
    return inst


def rich_labels(root: QWidget) -> list[str]:
    return [label.objectName() or label.text()[:40] for label in root.findChildren(QLabel)
            if label.textFormat() != Qt.TextFormat.PlainText]


def test_every_page_and_dialog_shows_plain_text(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    inst = _hostile_institution(commune)
    roots: list[QWidget] = [EntryPage(commune.ctx), InstitutionsPage(commune.ctx), SyncPage(commune.ctx),
                            SettingsPage(commune.ctx), DashboardPage(commune.ctx), ReportsPage(commune.ctx),
                            MainWindow(commune.ctx), CloseDialog(inst), InstitutionDialog(commune.ctx, inst)]
    for root in roots:
        qtbot.addWidget(root)
        assert rich_labels(root) == [], type(root).__name__


def test_entry_heading_and_field_warning_show_the_literal_tags(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    inst = _hostile_institution(commune)
    page = EntryPage(commune.ctx)
    qtbot.addWidget(page)
    page.set_period("2025")
    page.select_institution(inst.id)
    # The heading is our one rich-text label: what it renders is the name's characters, tags and all.
    rendered = QTextDocument()
    rendered.setHtml(page.heading.text())
    assert HOSTILE in rendered.toPlainText() and "<img" not in page.heading.text()
    form = page.current_form()
    assert form is not None
    warning = form.rows["LIB_VISITS"].message
    assert warning.textFormat() == Qt.TextFormat.PlainText and HOSTILE in warning.text()
    assert rich_labels(page) == ["formHeading"]


def test_close_dialog_names_the_institution_as_typed(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    dialog = CloseDialog(_hostile_institution(commune))
    qtbot.addWidget(dialog)
    shown = [label for label in dialog.findChildren(QLabel) if HOSTILE in label.text()]
    assert shown and all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)


def test_message_boxes_are_plain_text(qtbot, commune, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.append(box) or QMessageBox.StandardButton.No)
    dialogs.show_error(None, RefusedError(f"Không đổi được «{HOSTILE}»."))
    dialogs.confirm(None, "Xác nhận", f"Đóng «{HOSTILE}»?")
    page = SyncPage(commune.ctx)
    qtbot.addWidget(page)
    page.ask_replace_key(f"{HOSTILE} đã có khóa đang dùng")
    assert len(seen) == 3
    for box in seen:
        assert box.textFormat() == Qt.TextFormat.PlainText and HOSTILE in box.text()


def test_the_fingerprint_sheet_prints_the_officer_name_as_typed(qtbot, store, app) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.ui.wizard import SetupWizard

    from .conftest import type_text

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    type_text(wizard.unit_page.search, "14389")
    wizard.next()
    type_text(wizard.officer_page.officer, "Lê <b>Văn</b> <img src=x>")
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.fingerprint_page, timeout=15000)
    sheet = wizard.fingerprint_page.sheet().toPlainText()
    assert "Lê <b>Văn</b> <img src=x>" in sheet
    assert rich_labels(wizard.fingerprint_page) == []
    wizard.reject()
