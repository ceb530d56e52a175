"""The dashboard shows exactly what `evaluate` computes: numbers, statuses and the lists behind them."""

from __future__ import annotations

from lhtl_desktop.model.targets import Status
from lhtl_desktop.services.dashboard import yearly_sums
from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.ui.dashboard_page import DashboardPage
from lhtl_desktop.ui.look import fmt_int, fmt_percent


def test_rows_match_evaluate(qtbot, commune):
    page = DashboardPage(commune.ctx)
    qtbot.addWidget(page)
    page.set_year(2025)
    ev = evaluate(commune.store, 2025)
    shown = [r for r in ev.results if (r.measured_status or r.status) != Status.NOT_APPLICABLE]
    assert [page.model.row_at(i).target for i in range(page.model.rowCount())] == [r.target for r in shown]
    for i, r in enumerate(shown):
        cells = [page.model.index(i, c).data() for c in range(page.model.columnCount())]
        assert cells[0] == r.label
        assert cells[1] == r.status.label
        assert cells[2] == fmt_percent(r.value)
        assert fmt_percent(r.threshold, 0) in cells[3] and str(r.threshold_year) in cells[3]
        assert cells[5].startswith(f"{fmt_int(r.numerator)} / {fmt_int(r.denominator)}")
    page.hide_na.setChecked(False)
    assert page.model.rowCount() == len(ev.results)


def test_village_target_lists_meeting_not_meeting_missing(qtbot, commune):
    page = DashboardPage(commune.ctx)
    qtbot.addWidget(page)
    page.set_year(2025)
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).target == "CC_VILLAGE_ACTIVE")
    page.table.selectRow(row)
    r = next(x for x in evaluate(commune.store, 2025).results if x.target == "CC_VILLAGE_ACTIVE")
    # Thôn Đông meets (1 club, 12 activities), Thôn Tây does not (4), Thôn Trung has no data.
    assert (r.numerator, r.denominator) == (1, 3)
    names = {key: [m.index(i, 0).data() for i in range(m.rowCount())] for key, m in page.lists.items()}
    assert names == {"meeting": ["Nhà văn hóa Thôn Đông"], "not_meeting": ["Nhà văn hóa Thôn Tây"],
                     "missing": ["Nhà văn hóa Thôn Trung"]}
    assert page.tabs.tabText(0) == "Thiếu số liệu (1)"
    assert "1 trên 3 thiết chế" in page.detail_text.text()
    assert "thiếu số liệu" in page.summary.text()


def test_growth_chart_uses_yearly_sums(qtbot, commune):
    page = DashboardPage(commune.ctx)
    qtbot.addWidget(page)
    page.set_year(2025)
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).target == "LIB_VISITS_GROWTH")
    page.table.selectRow(row)
    r = page.model.row_at(row)
    assert (r.numerator, r.denominator) == (1100, 1000)
    assert page.model.index(row, 2).data() == "10,0 %"
    values = dict(page.chart.values)
    assert values[2025] == 1100 and values[2024] == 1000 and values[2023] is None
    assert values == yearly_sums(commune.store, "LIB_VISITS_GROWTH", "14389", sorted(values))
    page.chart.grab()  # paints without a warning
