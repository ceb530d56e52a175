"""The «Đồng bộ» page's inbox with a bundle numbered at the cap: one range, shown at once (it used to build
every missing number and die of MemoryError each time the page was shown)."""

from __future__ import annotations

from typing import Any

from lhtl_desktop.model.version_vector import MAX_COUNTER
from tests.sync.conftest import Net
from tests.sync.test_authority import accepted, craft
from tests.sync.test_sync_page import app, cell, page_for  # noqa: F401 - the fixture is used by name


def test_the_page_shows_a_billion_missing_bundles_as_one_range(qtbot, app, net: Net) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    def far(body: dict[str, Any]) -> None:
        body["seq"] = MAX_COUNTER

    accepted(net.hub, craft(net.a, net.a.export(), far, "far.lhtl"))
    page = page_for(qtbot, net.hub)
    assert cell(page.inbox_model, 0, 1) == str(MAX_COUNTER)
    assert cell(page.inbox_model, 0, 5) == "thiếu gói số 1–999999999 (999.999.999 gói)"
