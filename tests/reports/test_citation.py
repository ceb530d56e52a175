"""The sheet cites the province's own plan and names the rules version (issue 12): KH 87/KH-UBND only for
Ninh Bình; another province prints a neutral line until it fills in its plan, then its own plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lhtl_desktop.services import config, reports
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.keys import generate_key
from tests.reports.conftest import needs_poppler, pdf_text


def squash(text: str) -> str:
    return " ".join(text.split())


@needs_poppler
def test_ha_noi_sheet_never_cites_ninh_binh(tmp_path: Path) -> None:
    store = open_store(tmp_path / "hn.sqlite3")
    init_installation(store, "01", "Nguyễn Thị Hà", generate_key(None))
    out = tmp_path / "hn.pdf"
    reports.write_report(store, 2025, None, out, dt.date(2026, 1, 5))
    text = squash(pdf_text(out, layout=False))
    assert "Ninh Bình" not in text and "87/KH-UBND" not in text
    assert "Quyết định số 1520/QĐ-TTg" in text and "tỉnh chưa khai báo số, ngày ban hành" in text
    assert "quy định của tỉnh: mặc định" in text

    config.set_citation(store, {"kind": "Kế hoạch", "number": "120/KH-UBND", "date": "15/06/2023",
                                "issuer": "UBND thành phố Hà Nội"})
    reports.write_report(store, 2025, None, out, dt.date(2026, 1, 5))
    text = squash(pdf_text(out, layout=False))
    assert "Kế hoạch số 120/KH-UBND ngày 15/06/2023 của UBND thành phố Hà Nội" in text
    assert "phiên bản 1" in text
    store.close()


def test_ninh_binh_sheet_cites_kh_87_and_the_version(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nb.sqlite3")
    init_installation(store, "37", "Trần Văn Bình", generate_key(None))
    config.set_criterion_param(store, "CC_LLL", "min_activities", "10")
    report = reports.build_report(store, 2025)
    assert "Kế hoạch số 87/KH-UBND ngày 19/05/2023 của UBND tỉnh Ninh Bình" in report.basis_line
    assert report.config_version == 1 and "phiên bản 1" in report.basis_line
    store.close()
