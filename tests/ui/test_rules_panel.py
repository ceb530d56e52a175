"""«Quy định của tỉnh» in Cài đặt: the province changes its rules there (a new version each time); a hub or a
commune sees the rules it received, read-only, with their version and date."""

from __future__ import annotations

import json

from lhtl_desktop.model.rules import content_to_json
from lhtl_desktop.services import config
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import rules_store
from lhtl_desktop.sync.keys import generate_key
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.settings_page import SettingsPage

from .conftest import settled, type_text


def test_province_changes_a_criterion_and_its_citation(qtbot, store, app):
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    ctx = AppContext(store)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    panel = page.rules_panel
    assert "mặc định" in panel.version.text()
    assert "87/KH-UBND ngày 19/05/2023 của UBND tỉnh Ninh Bình" in panel.citation.text()
    panel.param_choice.setCurrentIndex(panel.param_choice.findData("CC_LLL:min_activities"))
    assert panel.param_value.value() == 12
    panel.param_value.setValue(10)
    panel.save_param()
    settled(qtbot, ctx)
    qtbot.waitUntil(lambda: "phiên bản 1" in panel.message.text(), timeout=10_000)
    assert config.rules_in_force(ctx.ops.writer_store()).content.criteria["CC_LLL"]["min_activities"] == 10
    assert "ít nhất 10 hoạt động" in panel.criteria_model.rows[2][1]
    assert "chưa ký" in panel.version.text()

    before = ctx.ops.writer_store().dump()
    panel.cite_date.clear()
    type_text(panel.cite_date, "31/02/2024")
    panel.save_citation()
    settled(qtbot, ctx)
    qtbot.waitUntil(lambda: "không hợp lệ" in panel.message.text(), timeout=10_000)
    assert ctx.ops.writer_store().dump() == before


def test_hub_sees_the_rules_read_only(qtbot, store, app):
    init_installation(store, "372", "Lê Văn Cụm", generate_key(None))
    content = config.defaults(store)
    from dataclasses import replace

    content = replace(content, two_tier=True, criteria={"CC_LLL": {"min_groups": 1, "min_activities": 9},
                                                        "MUS_LLL": {"min_programmes": 1, "min_digital_exhibits": 1}})
    with store.atomic():  # as an import of the province's bundle leaves it
        rules_store.insert(store, {"version": 3, "issued_at": "2026-11-20T08:00:00Z", "issued_by": "ab" * 16,
                                   "officer": "Trần Thị Tỉnh",
                                   "content": json.dumps(content_to_json(content), ensure_ascii=False),
                                   "body": "x", "sig": "y", "received_at": "2026-11-21T08:00:00Z", "from_unit": "37"})
    ctx = AppContext(store)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    panel = page.rules_panel
    assert "phiên bản 3 (20/11/2026)" in panel.version.text() and "Trần Thị Tỉnh" in panel.version.text()
    assert "chỉ xem" in panel.note.text()
    assert not hasattr(panel, "param_choice")  # nothing to edit below the province
    assert "ít nhất 9 hoạt động" in panel.criteria_model.rows[2][1]
    assert panel.two_tier.text().startswith("có")
    assert not page.hub_apply.isEnabled() and not page.two_tier.isEnabled()


def test_dashboard_names_the_rules_version(qtbot, commune):
    from lhtl_desktop.ui.dashboard_page import DashboardPage

    page = DashboardPage(commune.ctx)
    qtbot.addWidget(page)
    page.set_year(2025)
    assert "Quy định của tỉnh: mặc định (chưa nhận quy định của tỉnh)." in page.summary.text()
