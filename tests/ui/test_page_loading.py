"""When pages load their data: a save recomputes nothing hidden; a hidden page shows the change once shown;
the window is drawn before the dashboard is computed, which then fills itself off the UI thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from lhtl_desktop.model.targets import Status
from lhtl_desktop.services import evaluation, reports
from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.storage.reader import open_reader
from lhtl_desktop.ui.dashboard_page import DashboardPage
from lhtl_desktop.ui.entry_page import EntryPage
from lhtl_desktop.ui.main_window import MainWindow, build_main_window
from lhtl_desktop.ui.reports_page import ReportsPage
from lhtl_desktop.ui.tasks import wait_for_background

from .conftest import commit_text, press, settled


class Calls:
    """Counts the calls of a real function and lets them through."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.count = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return self.fn(*args, **kwargs)


def row_of(page: DashboardPage, target: str) -> int:
    return next(i for i in range(page.model.rowCount()) if page.model.row_at(i).target == target)


def reports_row(page: ReportsPage, label_start: str) -> list[str]:
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text().startswith(label_start))
    return [page.table.item(row, c).text() for c in range(page.table.columnCount())]


def type_and_leave(qtbot, page: EntryPage, code: str, text: str) -> None:  # type: ignore[no-untyped-def]
    form = page.current_form()
    assert form is not None
    edit = form.rows[code].edit
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    commit_text(edit, text)
    press(edit, Qt.Key.Key_Tab)
    settled(qtbot, page.ctx)


def shown_window(qtbot, commune) -> MainWindow:  # type: ignore[no-untyped-def]
    window = build_main_window(commune.store)
    qtbot.addWidget(window)
    window.resize(1366, 700)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def test_saving_values_rebuilds_no_hidden_page(qtbot, commune, monkeypatch):
    builds = Calls(reports.build_report)
    evaluations = Calls(evaluate)
    monkeypatch.setattr(reports, "build_report", builds)
    monkeypatch.setattr(evaluation, "evaluate", evaluations)  # the dashboard imports it when it evaluates
    window = shown_window(qtbot, commune)
    dashboard = window.show_page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    dashboard.set_year(2025)
    report_page = window.show_page("reports")
    assert isinstance(report_page, ReportsPage)
    assert report_page.year.value() == 2025
    assert reports_row(report_page, "Tăng lượt người sử dụng")[1] == "1.100"
    entry = window.show_page("entry")
    assert isinstance(entry, EntryPage)
    entry.set_period("2025")
    entry.select_institution(commune.library.id)
    builds.count = evaluations.count = 0

    for code, text in (("LIB_VISITS", "1500"), ("LIB_READERS", "160"), ("LIB_SKILL_CLASSES", "4")):
        type_and_leave(qtbot, entry, code, text)
        assert entry.status.text().startswith("Đã lưu lúc "), entry.status.text()
    assert (builds.count, evaluations.count) == (0, 0)  # the hidden dashboard and reports only went stale

    # Shown again, each page loads once and shows the new figures.
    window.show_page("reports")
    assert builds.count == 1
    assert reports_row(report_page, "Tăng lượt người sử dụng")[1:4] == ["1.500", "1.000", "50,0 %"]
    window.show_page("dashboard")
    assert evaluations.count == 1
    assert dashboard.model.index(row_of(dashboard, "LIB_VISITS_GROWTH"), 2).data() == "50,0 %"
    # Shown again with nothing changed since: nothing is recomputed.
    window.show_page("reports")
    window.show_page("dashboard")
    assert (builds.count, evaluations.count) == (1, 1)


def test_window_is_drawn_first_then_the_dashboard_fills_itself(qtbot, commune):
    window = build_main_window(commune.store)
    qtbot.addWidget(window)
    dashboard = window.pages["dashboard"]
    assert isinstance(dashboard, DashboardPage)
    assert dashboard.evaluation is None and dashboard.model.rowCount() == 0  # nothing computed while building
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        window.show()
    ev = evaluate(commune.store, dashboard.year.value())
    shown = [r.target for r in ev.results if (r.measured_status or r.status) != Status.NOT_APPLICABLE]
    assert [dashboard.model.row_at(i).target for i in range(dashboard.model.rowCount())] == shown
    first, *_rest, last = dashboard.summary.text().splitlines()
    assert first.startswith("Đã nộp 0/1 đơn vị") and last.startswith("Xã Gia Lâm, năm ")  # whom it counts, first
    assert not dashboard.loading


def test_navigation_loads_a_stale_page_in_the_background(qtbot, commune):
    window = shown_window(qtbot, commune)
    report_page = window.page("reports")
    assert isinstance(report_page, ReportsPage)
    window.navigation.setCurrentRow(4)  # «Báo cáo», as a click or the arrow keys choose it
    assert window.stack.currentWidget() is report_page
    assert report_page.loading and "Đang lập số liệu" in report_page.summary.text()
    qtbot.waitUntil(lambda: not report_page.loading, timeout=10_000)
    assert report_page.table.rowCount() == 11
    assert report_page.report is not None and report_page.report.code in report_page.summary.text()


def test_an_older_background_evaluation_never_overwrites_a_newer_one(qtbot, commune):
    page = DashboardPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh_in_background()  # the current year, which has no figures
    assert page.loading and "Đang tính" in page.summary.text()
    page.set_year(2025)  # the officer picks a year meanwhile: evaluated at once
    assert not page.loading
    assert wait_for_background(10_000)
    qtbot.wait(50)  # the superseded result arrives now, and is dropped
    assert "năm 2025" in page.summary.text()
    assert page.model.index(row_of(page, "LIB_VISITS_GROWTH"), 2).data() == "10,0 %"


def test_the_background_reader_cannot_write(commune):
    reader = open_reader(commune.store.path)
    try:
        assert reader.get_meta("unit_code") == commune.store.get_meta("unit_code")
        before = commune.store.dump()
        with pytest.raises(sqlite3.OperationalError):
            reader.set_meta("unit_code", "00000")
        assert commune.store.dump() == before
    finally:
        reader.close()
