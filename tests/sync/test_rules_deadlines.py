"""Reporting deadlines have one source: the province's signed rules document. A deadline the province sets with
`settings --deadline` is a new rules version that reaches the hub and the commune in ordinary bundles and
changes whom they count late; below the province the setting is refused with nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lhtl_desktop.services import reporting
from lhtl_desktop.storage import open_store
from tests.sync.helpers import enrol, make_site


def test_a_deadline_set_at_the_province_reaches_the_commune_and_changes_its_lateness(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mail = tmp_path / "usb"
    mail.mkdir()
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    enrol(hub, commune, mail)
    enrol(province, hub, mail)
    enrol(hub, province, mail)
    enrol(commune, hub, mail)

    # 20/12/2025: past the default 15/12 deadline of the 2025 report, before 31/12.
    day = dt.date(2025, 12, 20)
    state = reporting.submission_state(open_store(commune.db), "2025", today=day)
    assert (state.deadline, state.late) == (dt.date(2025, 12, 15), True)
    assert "Đã quá hạn." in state.text()

    version_before = province.json("config", "show")["version"]
    shown = province.json("settings", "--deadline", "year", "31/12")
    assert shown["deadlines"]["year"] == "31/12"
    rules = province.json("config", "show")
    assert rules["version"] == version_before + 1  # the deadline is a new version of the province's rules
    assert rules["content"]["deadlines"]["year"] == "31/12"

    # Nothing set below the province: a hub or a commune cannot set its own deadline.
    for site in (hub, commune):
        before = open_store(site.db).dump()
        code, _out, err = site.run("settings", "--deadline", "year", "01/12")
        assert code == 2 and "Chỉ cấp tỉnh" in err
        assert open_store(site.db).dump() == before

    # Still the default at the commune until the rules arrive …
    assert commune.json("settings")["deadlines"]["year"] == "15/12"
    [r] = hub.json("import", str(province.export(mail / "37-den-372.lhtl", "--to", "372")))
    assert r["status"] == "accepted" and r["rules"]["status"] == "applied"
    [r] = commune.json("import", str(hub.export(mail / "372-den-14389.lhtl", "--to", "14389")))
    assert r["status"] == "accepted" and r["rules"]["status"] == "applied"

    # … then the province's 31/12: on 20/12/2025 the commune is no longer late, at home and in the hub's register.
    assert commune.json("settings")["deadlines"]["year"] == "31/12"
    state = reporting.submission_state(open_store(commune.db), "2025", today=day)
    assert (state.deadline, state.late) == (dt.date(2025, 12, 31), False)
    assert "hạn nộp 31/12/2025" in state.text() and "Đã quá hạn." not in state.text()
    [row] = [r for r in reporting.register(open_store(hub.db), "2025", "372", today=day).rows if r.unit == "14389"]
    assert (row.deadline, row.late) == (dt.date(2025, 12, 31), False)
    # The 6-month deadline was not touched: still 14/06.
    assert reporting.deadline_for(open_store(commune.db), reporting.parse_period("2026-H1")) == dt.date(2026, 6, 14)
