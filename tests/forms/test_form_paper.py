"""The paper return form: NĐ 30 header, the institutions with last year's values, boxes, the signature block."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.services.forms import form_bytes
from lhtl_desktop.services.forms.paper import layout_form
from lhtl_desktop.services.forms.spec import build_form
from tests.forms.support import GIA_LAM, hub_store

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def test_paper_form_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, _ids = hub_store(tmp_path / "hub.sqlite3")
    store.close()
    out = tmp_path / "bieu.pdf"
    assert main(["--db", str(tmp_path / "hub.sqlite3"), "form", "export", "--unit", GIA_LAM, "--period", "2025",
                 "--out", str(out)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("UBND XÃ GIA LÂM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Gia Lâm, ngày …… tháng …… năm ……", "BIỂU THU THẬP SỐ LIỆU", "Năm 2025",
                     "Đơn vị: Xã Gia Lâm (mã 14389)", "Thư viện xã Gia Lâm", "2024: 1.100", "2024: 240",
                     "Nhà văn hóa thôn Đông", "2024: 12", "Loại: ", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ",
                     "(Ký, ghi rõ họ tên, đóng dấu)"):
        assert expected in text, expected
    assert "Bảo tàng" not in text  # a commune with no museum gets no museum table on paper
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "yes" in fonts.splitlines()[2]  # embedded


def test_paper_form_has_no_substituted_glyphs(tmp_path: Path) -> None:
    store, _ids = hub_store(tmp_path / "hub.sqlite3")
    spec = build_form(store, GIA_LAM, "2025", dt.date(2026, 1, 5))
    assert layout_form(spec).substituted == frozenset()
    assert form_bytes(spec, "pdf").startswith(b"%PDF")
