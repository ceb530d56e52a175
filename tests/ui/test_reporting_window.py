"""The reporting register in the window: the entry page's «Nộp báo cáo năm …» and «Lịch sử», a correction seen
where it lands, the dashboard's first line, the «Tình hình báo cáo» page at a hub, and the Đồng bộ page's
receipt line — real widgets offscreen, real databases written through the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from lhtl_desktop.services import entry, reporting
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.services.institutions import add_institution
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync import exporter
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.sync.keys import generate_key
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dashboard_page import DashboardPage
from lhtl_desktop.ui.entry_page import EntryPage
from lhtl_desktop.ui.main_window import build_main_window
from lhtl_desktop.ui.reporting_page import ReportingPage

from .conftest import settled


def _entry_page(qtbot, ctx: AppContext, inst_id: str | None, period: str = "2025") -> EntryPage:  # type: ignore[no-untyped-def]
    page = EntryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1176, 680)
    page.show()
    qtbot.waitExposed(page)
    page.set_period(period)
    if inst_id:
        page.select_institution(inst_id)
    return page


def test_submit_from_the_entry_page(qtbot, commune, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _entry_page(qtbot, commune.ctx, commune.library.id)
    bar = page.submission
    assert bar.isVisible() and bar.button.text() == "Nộp báo cáo năm 2025"
    assert "Chưa nộp báo cáo năm 2025; hạn nộp 15/12/2025." in bar.label.text()
    bar.button.click()
    settled(qtbot, commune.ctx)
    mark = reporting.submission(commune.store, "2025")
    assert mark is not None and mark.submitted and mark.author_name == "Nguyễn Văn An"
    assert bar.button.text() == "Mở lại báo cáo năm 2025…"
    assert bar.label.text().startswith("Đã nộp báo cáo năm 2025 lúc ") and "(Nguyễn Văn An)" in bar.label.text()
    # Sent, then reopened: the window asks for the reason; cancelling writes nothing.
    exporter.export_bundle(commune.store, tmp_path / "gui.lhtl", to_unit="372")
    bar.reload()
    asked: list[str] = []
    bar.ask_reason = lambda title, text: asked.append(text) or None  # type: ignore[func-returns-value]
    before = commune.store.dump()
    bar.button.click()
    settled(qtbot, commune.ctx)
    assert asked and "đã được gửi lên cấp trên" in asked[0] and commune.store.dump() == before
    bar.ask_reason = lambda title, text: "Bổ sung nhà văn hóa thôn"
    bar.button.click()
    settled(qtbot, commune.ctx)
    mark = reporting.submission(commune.store, "2025")
    assert mark is not None and not mark.submitted and mark.reason == "Bổ sung nhà văn hóa thôn"
    assert "đã được mở lại" in bar.label.text() and bar.button.text() == "Nộp báo cáo năm 2025"


def test_an_empty_period_asks_before_submitting(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    page = _entry_page(qtbot, commune.ctx, commune.library.id, period="2023")
    bar = page.submission
    questions: list[str] = []
    bar.ask = lambda title, text: questions.append(text) or False  # type: ignore[func-returns-value]
    before = commune.store.dump()
    bar.button.click()
    settled(qtbot, commune.ctx)
    assert questions and "chưa có số liệu nào cho năm 2023" in questions[0]
    assert commune.store.dump() == before
    bar.ask = lambda title, text: True
    bar.button.click()
    settled(qtbot, commune.ctx)
    assert reporting.submission(commune.store, "2023").submitted  # type: ignore[union-attr]


def _hub(tmp_path: Path) -> tuple[Store, str]:
    hub = open_store(tmp_path / "hub.sqlite3")
    init_installation(hub, "372", "Lê Văn Cụm", generate_key(None))
    lib = add_institution(hub, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    entry.set_values(hub, lib, "2025", {"LIB_VISITS": "900", "LIB_SKILL_CLASSES": "1"}, why="Theo báo cáo giấy")
    other = add_institution(hub, "14401", "lib_commune", "Thư viện xã Gia Tường").id
    entry.set_values(hub, other, "2025", {"LIB_VISITS": "100"}, why="Theo báo cáo giấy")
    reporting.submit(hub, "2025", unit="14389")
    return hub, lib


def test_a_correction_from_above_and_the_history_show_in_the_form(qtbot, app: QApplication,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    hub, _lib = _hub(tmp_path)
    commune = open_store(tmp_path / "c.sqlite3")
    init_installation(commune, "14389", "Nguyễn Văn An", generate_key(None))
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "1200"})
    from lhtl_desktop.sync import enrolment

    for parent, child in ((hub, commune), (commune, hub)):
        path = enrolment.export_enrolment(child, tmp_path / f"enrol-{child.get_meta('unit_code')}.lhtl")
        enrolment.enrol_key(parent, path, str(child.own_key()["fingerprint"]))  # type: ignore[index]
    assert import_file(hub, exporter.export_bundle(commune, tmp_path / "up.lhtl").path).status == "accepted"
    entry.set_values(hub, lib, "2025", {"LIB_VISITS": "1150"}, why="Theo sổ theo dõi bạn đọc")
    assert import_file(commune, exporter.export_bundle(hub, tmp_path / "down.lhtl", to_unit="14389").path,
                       backup=False).status == "accepted"
    ctx = AppContext(commune)
    page = _entry_page(qtbot, ctx, lib)
    row = page.current_form().rows["LIB_VISITS"]  # type: ignore[union-attr]
    assert row.edit.text() == "1150"
    text = row.message.text()
    assert "Đã được điều chỉnh bởi 372 (Lê Văn Cụm)" in text and "từ 1.200" in text
    assert "Theo sổ theo dõi bạn đọc" in text
    dialog = page.history()
    assert dialog is not None
    rows = dialog.model.rows
    visits = [r for r in rows if r[0] == "Lượt người sử dụng thư viện"]
    assert [(r[1], r[3], r[6]) for r in visits] == [("1.200", "14389", "đã thay"), ("1.150", "372", "đang dùng")]
    assert visits[1][5] == "Theo sổ theo dõi bạn đọc"
    ctx.ops.close()
    for s in (hub, commune):
        s.close()


def test_the_hub_register_page_and_the_dashboards_first_line(qtbot, app: QApplication,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    hub, _lib = _hub(tmp_path)
    window = build_main_window(hub)
    qtbot.addWidget(window)
    labels = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert labels[:2] == ["Tổng quan", "Tình hình báo cáo"]
    page = window.show_page("reporting")
    assert isinstance(page, ReportingPage)
    page.year.setValue(2025)
    rows = page.visible_rows()
    assert len(rows) == 8
    assert [r.unit for r in rows][-2:] == ["14401", "14389"]  # partial, then submitted, after the silent ones
    summary = page.summary.text()
    assert "Đã nộp 1/8 đơn vị (2 có số liệu); chưa nộp: 7" in summary
    assert "Đã nộp: 1 · Có số liệu, chưa nộp: 1 · Chưa báo cáo: 6" in summary
    page.filter.setCurrentIndex(page.filter.findData("partial"))
    assert [r.unit for r in page.visible_rows()] == ["14401"]
    page.filter.setCurrentIndex(page.filter.findData("all"))
    page.search.setText("cuc phuong")
    assert [r.name for r in page.visible_rows()] == ["Xã Cúc Phương"]
    page.search.setText("")
    # A paper report recorded for Cúc Phương (no values here: an empty report, after the question).
    page.table.selectRow(next(i for i, r in enumerate(page.visible_rows()) if r.unit == "14404"))
    page.ask = lambda title, text: "báo cáo trống" in text
    page.record_paper_submission()
    settled(qtbot, window.ctx)
    assert reporting.submission(hub, "2025", "14404").author_name == "Lê Văn Cụm"  # type: ignore[union-attr]
    assert "Đã nộp 2/8 đơn vị" in page.summary.text()

    dashboard = window.show_page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    dashboard.set_year(2025)
    dashboard.refresh()
    first = dashboard.summary.text().splitlines()[0]
    assert first.startswith("Đã nộp 2/8 đơn vị (2 có số liệu); chưa nộp: 6.")
    shown = {dashboard.model.index(i, 1).data() for i in range(dashboard.model.rowCount())}
    assert shown == {"Chưa đủ đơn vị báo cáo"}
    dashboard.half.setCurrentIndex(1)  # the 6-month report
    assert dashboard.evaluation is not None and dashboard.evaluation.period == "2025-H1"
    assert "6 tháng đầu năm 2025: đánh giá chỉ tiêu là tạm tính" in dashboard.summary.text()
    window.close()
    window.ctx.ops.close()


@pytest.mark.usefixtures("app")
def test_the_sync_page_shows_the_receipt(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.sync import enrolment
    from lhtl_desktop.ui.sync_page import SyncPage

    hub = open_store(tmp_path / "hub.sqlite3")
    init_installation(hub, "372", "Lê Văn Cụm", generate_key(None))
    commune = open_store(tmp_path / "c.sqlite3")
    init_installation(commune, "14389", "Nguyễn Văn An", generate_key(None))
    for parent, child in ((hub, commune), (commune, hub)):
        path = enrolment.export_enrolment(child, tmp_path / f"enrol-{child.get_meta('unit_code')}.lhtl")
        enrolment.enrol_key(parent, path, str(child.own_key()["fingerprint"]))  # type: ignore[index]
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "1200", "LIB_SKILL_CLASSES": "2", "LIB_READERS": "80"})
    assert import_file(hub, exporter.export_bundle(commune, tmp_path / "up.lhtl").path).new == 3
    ctx = AppContext(commune)
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.receipt_line.text() == "Chưa có biên nhận nào cho các gói đã gửi."
    import_file(commune, exporter.export_bundle(hub, tmp_path / "down.lhtl", to_unit="14389").path, backup=False)
    page.refresh()
    text = page.receipt_line.text()
    assert text.startswith("Cụm Nho Quan đã nhận gói số 1 lúc ") and text.endswith(": 3 giá trị")
    assert page.outbox_model.rows[0][4] == text
    ctx.ops.close()
    for s in (hub, commune):
        s.close()


def test_the_reports_page_makes_the_six_month_sheet(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.ui.reports_page import ReportsPage

    page = ReportsPage(commune.ctx)
    qtbot.addWidget(page)
    page.refresh()
    page.year.setValue(2025)
    assert page.report is not None and page.report.period is not None and page.report.period.key == "2025"
    assert "Đã nộp 0/1 đơn vị" in page.summary.text()
    page.half.setCurrentIndex(1)
    assert page.report is not None and page.report.period is not None and page.report.period.key == "2025-H1"
    assert "6 tháng đầu năm 2025" in page.summary.text()
    assert page.report.title_lines[1].endswith("6 tháng đầu năm 2025 (tạm tính)")


def test_hub_and_province_dashboards_after_a_cli_round(qtbot, app: QApplication, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Installations driven through the CLI (as in tests/sync/test_reporting_end_to_end.py): Gia Lâm submits,
    Gia Tường sends values without submitting; the hub's and the province's dashboards say 1 of 8 submitted
    (2 with data) for the hub, 1 of 129 for the province, and no target is judged."""
    from tests.sync.helpers import enrol, make_site

    mail = tmp_path / "usb"
    mail.mkdir()
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    c1 = make_site(tmp_path, capsys, "14389", "Nguyễn Văn An")
    c2 = make_site(tmp_path, capsys, "14401", "Phạm Thị Bình")
    for c in (c1, c2):
        enrol(hub, c, mail)
    enrol(province, hub, mail)
    for c, name in ((c1, "Thư viện xã Gia Lâm"), (c2, "Thư viện xã Gia Tường")):
        lib = c.add("lib_commune", name)
        c.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=800", "LIB_SKILL_CLASSES=1")
    c1.ok("submit", "--period", "2025")
    for c in (c1, c2):
        hub.ok("import", str(c.export(mail / f"{c.unit}.lhtl")))
    province.ok("import", str(hub.export(mail / "372.lhtl")))

    for site, scope, first in ((hub, "372", "Đã nộp 1/8 đơn vị (2 có số liệu); chưa nộp: 7."),
                               (province, "372", "Đã nộp 1/8 đơn vị (2 có số liệu); chưa nộp: 7."),
                               (province, "37", "Đã nộp 1/129 đơn vị (2 có số liệu); chưa nộp: 128.")):
        store = site.store()
        ctx = AppContext(store)
        page = DashboardPage(ctx)
        qtbot.addWidget(page)
        page.scope.setCurrentIndex(page.scope.findData(scope))
        page.set_year(2025)
        page.refresh()
        assert page.summary.text().splitlines()[0].startswith(first), page.summary.text()
        statuses = {page.model.index(i, 1).data() for i in range(page.model.rowCount())}
        assert statuses == {"Chưa đủ đơn vị báo cáo"}
        lib = next(page.model.row_at(i) for i in range(page.model.rowCount())
                   if page.model.row_at(i).target == "LIB_COMM_LLL")
        assert (lib.numerator, lib.denominator, lib.value) == (2, 2, 100.0)
        ctx.ops.close()
        store.close()
