"""Every list of the window has the one list filter («Tìm trong danh sách (Ctrl+F)», `ui.page.ListFilter`):
typed without diacritics or with them it hides the rows that do not match and shows those that do; cleared,
every row is back; Ctrl+F puts the focus in the filter of the list on screen.

The lists are filled with real data where they show the database (the inbox and quarantine from real signed
bundles, the register, hubs, thresholds, backups, the targets); the expected rows are named by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QTableView, QTableWidget, QTableWidgetItem

from lhtl_desktop.model.criteria import CRITERIA
from lhtl_desktop.services import backups, entry, reporting
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.services.institutions import add_institution
from lhtl_desktop.services.settings import set_threshold
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync import exporter
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.sync.keys import generate_key
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.main_window import MainWindow, build_main_window, page_keys
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.page import ListFilter, Page
from lhtl_desktop.ui.settings_page import SettingsPage
from lhtl_desktop.ui.sync_page import SyncPage
from tests.sync.conftest import Net, make_node
from tests.sync.conftest import net as net  # the signed-bundle network of the sync tests

from .conftest import type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def shown(view: QTableView, column: int = 0) -> list[str]:
    model = view.model()
    return [str(model.index(r, column).data()) for r in range(model.rowCount()) if not view.isRowHidden(r)]


def every(view: QTableView, column: int = 0) -> list[str]:
    model = view.model()
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def retype(box: QLineEdit, text: str) -> None:
    """Clear the filter and type `text` into it, key by key, as the officer does."""
    box.clear()
    type_text(box, text)


def check_filter(box: ListFilter, queries: tuple[str, ...], expected: list[str], column: int = 0) -> None:
    """Each query (without and with diacritics) shows exactly `expected` in `column`; cleared, all rows."""
    everything = every(box.table, column)
    assert len(everything) > len(expected) > 0, everything  # the filter has something to hide
    for query in queries:
        retype(box, query)
        assert shown(box.table, column) == expected, query
    box.clear()
    assert shown(box.table, column) == everything


def press_ctrl_f() -> None:
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key.Key_F, CTRL))


def open_window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    window = build_main_window(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


# -- every list has one ------------------------------------------------------------------------------------
def _province(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "province.sqlite3")
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    return store


def _hub(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "hub.sqlite3")
    init_installation(store, "372", "Lê Văn Cụm", generate_key(None))
    return store


@pytest.fixture(params=["commune", "hub", "province"])
def any_window(request, qtbot, commune, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    store = {"commune": lambda: commune.store, "hub": lambda: _hub(tmp_path),
             "province": lambda: _province(tmp_path)}[request.param]()
    window = open_window(qtbot, store)
    yield window
    window.close()
    if store is not commune.store:
        window.ctx.ops.close()


def _exempt(page: Page, view: object) -> bool:
    """Lists that are not scrolled through: the files the officer just picked (a few lines, «Bỏ chọn» next
    to them), the two or three sides of the conflict selected above them, the three criteria of the rules."""
    if isinstance(page, SyncPage):
        return view in (page.files, page.sides_view)
    if isinstance(page, SettingsPage):
        return view is page.rules_panel.criteria_view and page.rules_panel.criteria_model.rowCount() == len(CRITERIA)
    return False


def test_every_list_a_user_scrolls_through_has_a_filter(any_window: MainWindow) -> None:
    for key in page_keys(any_window.ctx.installation.level):
        page = any_window.show_page(key)
        filters = {id(f.table): f for f in page.findChildren(ListFilter)}
        lists = [v for v in (*page.findChildren(QTableView), *page.findChildren(QListWidget))
                 if v.window() is any_window]  # not a combo box's popup
        assert lists, key
        missing = [v.accessibleName() or type(v).__name__ for v in lists
                   if id(v) not in filters and not _exempt(page, v)]
        assert missing == [], key
        for v in lists:  # the filter sits right above its list, in the same box
            if id(v) in filters:
                assert filters[id(v)].parentWidget() is v.parentWidget(), v.accessibleName()


def test_every_filter_hides_what_does_not_match(any_window: MainWindow) -> None:
    """Each filter of the window on rows put into its list: «ha noi» and «Hà Nội» find «Thư viện Hà Nội» and
    only it; «dong» finds «thôn Đông» (Đ is its own letter); cleared, every row is back; rows replaced while
    a query is typed are filtered at once."""
    names = ["Thư viện Hà Nội", "Thư viện xã Gia Lâm", "Nhà văn hóa thôn Đông"]
    tried = 0
    for key in page_keys(any_window.ctx.installation.level):
        page = any_window.show_page(key)
        for box in page.findChildren(ListFilter):
            table, model = box.table, box.table.model()
            if isinstance(model, TextTableModel):
                width = model.columnCount()
                model.set_rows([(name, *[""] * (width - 1)) for name in names])
            elif isinstance(table, QTableWidget):
                table.setRowCount(len(names))
                for row, name in enumerate(names):
                    table.setItem(row, 0, QTableWidgetItem(name))
                box.apply()
            else:
                continue  # lists of records: filled with real data in the tests below
            tried += 1
            check_filter(box, ("ha noi", "Hà Nội", "HA NOI"), ["Thư viện Hà Nội"])
            check_filter(box, ("dong",), ["Nhà văn hóa thôn Đông"])
            retype(box, "gia lam")
            if isinstance(model, TextTableModel):
                model.set_rows([(name, *[""] * (model.columnCount() - 1)) for name in ["Xã Gia Lâm", *names]])
                assert shown(table) == ["Xã Gia Lâm", "Thư viện xã Gia Lâm"]  # not the old rows' hidden flags
            box.clear()
    assert tried >= 8


# -- the lists that show the database, with real data -------------------------------------------------------
def test_inbox_quarantine_and_import_results_filter(qtbot, app, net: Net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for child in (net.a, net.b):
        assert import_file(net.hub.store, child.export()).status == "accepted"
    strangers = [make_node(tmp_path / code, code, "Cán bộ lạ") for code in ("14404", "14407")]
    usb = tmp_path / "usb"
    usb.mkdir()
    page = SyncPage(AppContext(net.hub.store))
    qtbot.addWidget(page)
    page.refresh()
    page.add_files([exporter.export_bundle(s.store, usb, to_unit="372").path for s in strangers])  # named as sent
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: len(page.last_results) == 2, timeout=10_000)
    assert [r.status for r in page.last_results] == ["quarantined", "quarantined"]

    check_filter(page.inbox_filter, ("gia tuong", "Gia Tường"), ["Xã Gia Tường (14401)"])
    check_filter(page.inbox_filter, ("gia lam",), ["Xã Gia Lâm (14389)"])
    quarantined = every(page.quarantine_view)
    cuc_phuong = [f for f in quarantined if f.startswith("lhtl-14404-Cuc-Phuong-")]
    assert len(quarantined) == 2 and len(cuc_phuong) == 1
    check_filter(page.quarantine_filter, ("cuc phuong", "Cúc Phương"), cuc_phuong)
    check_filter(page.results_filter, ("cuc phuong", "Cúc Phương"), cuc_phuong)
    page.tabs.setCurrentIndex(2)
    assert page.filter_box() is page.inbox_filter
    page.tabs.setCurrentIndex(5)
    assert page.filter_box() is page.quarantine_filter
    page.tabs.setCurrentIndex(1)
    assert page.filter_box() is page.results_filter


def test_results_of_the_dashboard_and_the_reports_filter(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, commune.store)
    dashboard = window.show_page("dashboard")
    dashboard.set_year(2025)  # type: ignore[attr-defined]
    dashboard.refresh()
    labels = every(dashboard.table)  # type: ignore[attr-defined]
    libraries = [t for t in labels if "thư viện" in t.lower()]
    check_filter(dashboard.filter, ("thu vien", "THƯ VIỆN"), libraries)  # type: ignore[attr-defined]
    reports = window.show_page("reports")
    reports.year.setValue(2025)  # type: ignore[attr-defined]
    labels = every(reports.table)  # type: ignore[attr-defined]
    libraries = [t for t in labels if "thư viện" in t.lower()]
    check_filter(reports.filter, ("thu vien", "Thư viện"), libraries)  # type: ignore[attr-defined]
    retype(reports.filter, "thu vien")  # type: ignore[attr-defined]
    reports.year.setValue(2024)  # type: ignore[attr-defined]  # a new summary, still filtered
    assert shown(reports.table) and all("thư viện" in t.lower() for t in shown(reports.table))  # type: ignore[attr-defined]
    window.close()


def test_the_register_filters_by_name_or_code(qtbot, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub = _hub(tmp_path)
    lib = add_institution(hub, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    entry.set_values(hub, lib, "2025", {"LIB_VISITS": "900"}, why="Theo báo cáo giấy")
    reporting.submit(hub, "2025", unit="14389")
    window = open_window(qtbot, hub)
    page = window.show_page("reporting")
    page.year.setValue(2025)  # type: ignore[attr-defined]
    box = page.search  # type: ignore[attr-defined]
    assert isinstance(box, ListFilter)
    check_filter(box, ("cuc phuong", "Cúc Phương"), ["Xã Cúc Phương"], column=1)
    check_filter(box, ("14389",), ["Xã Gia Lâm"], column=1)
    retype(box, "gia")
    assert "(đang hiện 2/8)" in page.summary.text()  # type: ignore[attr-defined]  # Gia Lâm, Gia Tường
    box.clear()
    assert "đang hiện" not in page.summary.text()  # type: ignore[attr-defined]
    window.close()
    window.ctx.ops.close()


def test_settings_lists_filter(qtbot, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    province = _province(tmp_path)
    set_threshold(province, "LIB_COMM_LLL", 2030, "65")
    set_threshold(province, "LIB_PROV_LLL", 2030, "95")
    backups.make_backup(province, "manual")
    backups.make_backup(province, "import")
    window = open_window(qtbot, province)
    page = window.show_page("settings")
    hubs = every(page.hub_table, 1)  # type: ignore[attr-defined]
    assert len(hubs) > 50
    check_filter(page.hub_filter, ("gia lam", "Gia Lâm"), ["Xã Gia Lâm"], column=1)  # type: ignore[attr-defined]
    thresholds = every(page.threshold_filter.table)  # type: ignore[attr-defined]
    libraries = [t for t in thresholds if "thư viện" in t.lower()]
    check_filter(page.threshold_filter, ("thu vien",), libraries)  # type: ignore[attr-defined]
    history = page.history_filter  # type: ignore[attr-defined]
    assert every(history.table, 2) == ["Thư viện cấp tỉnh cung cấp dịch vụ học tập suốt đời",
                                       "Thư viện cấp xã cung cấp dịch vụ học tập suốt đời"]
    check_filter(history, ("cap xa", "cấp xã"), ["Thư viện cấp xã cung cấp dịch vụ học tập suốt đời"], column=2)
    rules = page.rules_panel  # type: ignore[attr-defined]
    in_force = [t for t in every(rules.filter.table) if "thư viện" in t.lower()]
    check_filter(rules.filter, ("thu vien", "thư viện"), in_force)
    backup = page.backup_panel  # type: ignore[attr-defined]
    assert every(backup.table, 1) == ["trước khi nhập gói", "sao lưu tay"]
    check_filter(backup.filter, ("nhap goi", "nhập gói"), ["trước khi nhập gói"], column=1)

    page.tabs.setCurrentWidget(page.hub_tab)  # type: ignore[attr-defined]
    page.hub_table.setFocus()  # type: ignore[attr-defined]
    press_ctrl_f()
    assert QApplication.focusWidget() is page.hub_filter  # type: ignore[attr-defined]
    page.tabs.setCurrentWidget(page.threshold_tab)  # type: ignore[attr-defined]
    page.threshold_target.setFocus()  # type: ignore[attr-defined]
    press_ctrl_f()
    assert QApplication.focusWidget() is page.threshold_filter  # type: ignore[attr-defined]
    window.close()
    window.ctx.ops.close()


def test_ctrl_f_goes_to_the_filter_of_the_list_on_screen(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, commune.store)
    for key, attribute in (("dashboard", "filter"), ("reports", "filter"), ("institutions", "filter"),
                           ("entry", "filter")):
        page = window.open_page(key)
        press_ctrl_f()
        assert QApplication.focusWidget() is getattr(page, attribute), key
    sync = window.open_page("sync")
    assert isinstance(sync, SyncPage)
    for tab, box in ((0, sync.outbox_filter), (2, sync.inbox_filter), (4, sync.keys_filter),
                     (5, sync.quarantine_filter), (3, sync.conflicts_filter)):
        sync.tabs.setCurrentIndex(tab)
        sync.tabs.tabBar().setFocus()
        press_ctrl_f()
        assert QApplication.focusWidget() is box, tab
    sync.tabs.setCurrentIndex(2)  # two lists on the tab: the one the officer is in
    sync.import_history.view.setFocus()
    press_ctrl_f()
    assert QApplication.focusWidget() is sync.import_history.filter
    dashboard = window.open_page("dashboard")
    view = dashboard.list_filters["missing"].table  # type: ignore[attr-defined]
    dashboard.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
    view.setFocus()
    press_ctrl_f()
    assert QApplication.focusWidget() is dashboard.list_filters["missing"]  # type: ignore[attr-defined]
    window.close()


def test_a_list_reloaded_while_filtered_stays_filtered(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    """The institutions' and the entry list's filters are applied again after a reload (F5, a write elsewhere):
    a new institution that matches shows, the others stay hidden."""
    window = open_window(qtbot, commune.store)
    page = window.show_page("institutions")
    retype(page.filter, "thu vien")  # type: ignore[attr-defined]
    assert shown(page.table, 1) == ["Thư viện xã Gia Lâm"]  # type: ignore[attr-defined]
    add_institution(commune.store, "14389", "lib_school", "Thư viện Trường THCS Gia Lâm")  # another program
    add_institution(commune.store, "14389", "museum", "Bảo tàng xã Gia Lâm")
    page.refresh()
    assert sorted(shown(page.table, 1)) == ["Thư viện Trường THCS Gia Lâm", "Thư viện xã Gia Lâm"]  # type: ignore[attr-defined]
    entry_page = window.show_page("entry")
    retype(entry_page.filter, "bao tang")  # type: ignore[attr-defined]
    assert shown(entry_page.list) == ["Bảo tàng xã Gia Lâm"]  # type: ignore[attr-defined]
    entry_page.set_period("2024")  # type: ignore[attr-defined]
    assert shown(entry_page.list) == ["Bảo tàng xã Gia Lâm"]  # type: ignore[attr-defined]
    window.close()


def test_the_dialogs_lists_filter_too(qtbot, app, commune, net: Net) -> None:  # type: ignore[no-untyped-def]
    """«Lịch sử» of a form (every version of each value) and «Hoàn tác gói» (every value a bundle changed)."""
    from lhtl_desktop.services import revert
    from lhtl_desktop.ui.import_history import RevertDialog

    window = open_window(qtbot, commune.store)
    entry_page = window.show_page("entry")
    entry_page.set_period("2024")  # type: ignore[attr-defined]
    entry_page.select_institution(commune.library.id)  # type: ignore[attr-defined]
    history = entry_page.history()  # type: ignore[attr-defined]
    assert history is not None
    qtbot.addWidget(history)
    labels = every(history.view)
    readers = [t for t in labels if "bạn đọc" in t.lower()]
    check_filter(history.filter, ("ban doc", "bạn đọc"), readers)
    window.close()

    for child in (net.a, net.b):
        assert import_file(net.hub.store, child.export(), backup=False).status == "accepted"
    bundle = next(b for b in revert.import_history(net.hub.store) if b.from_unit == "14389")
    plan = revert.revert_bundle(net.hub.store, bundle.bundle_id, "xem trước", dry_run=True)
    dialog = RevertDialog(AppContext(net.hub.store), plan)
    qtbot.addWidget(dialog)
    assert sorted(every(dialog.view, 2)) == ["LIB_SKILL_CLASSES", "LIB_VISITS"]
    check_filter(dialog.filter, ("lib_visits", "LIB VISITS"), ["LIB_VISITS"], column=2)
