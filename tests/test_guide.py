"""«Hướng dẫn sử dụng»: shipped, current with its source, in Vietnamese, showing the screenshots it names."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_guide  # noqa: E402

from lhtl_desktop.services.support import guide_path  # noqa: E402


def test_the_guide_is_package_data() -> None:
    path = guide_path()
    assert path is not None and path.parent.name == "guide" and path.read_bytes().startswith(b"%PDF")


def test_the_guide_is_current_with_its_source() -> None:
    """Fails when docs/guide/huong-dan.md changed and `make guide` was not run."""
    text = build_guide.SOURCE.read_text(encoding="utf-8")
    data = build_guide.OUT.read_bytes()
    assert f"source-sha256:{build_guide.source_digest(text)}".encode() in data


def test_the_digest_follows_the_text() -> None:
    text = build_guide.SOURCE.read_text(encoding="utf-8")
    assert build_guide.source_digest(text) != build_guide.source_digest(text + "\nThêm một dòng.")


def test_every_image_the_guide_names_exists() -> None:
    blocks = build_guide.parse(build_guide.SOURCE.read_text(encoding="utf-8"))
    images = [b for b in blocks if b.kind == "image"]
    assert len(images) >= 8
    for b in images:
        assert (build_guide.SOURCE.parent / b.text).resolve().is_file(), b.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_guide_covers_every_level_in_vietnamese(tmp_path: Path) -> None:
    out = build_guide.build(out=tmp_path / "guide.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for heading in ("Thiết lập lần đầu", "Cấp xã: thiết chế và số liệu", "Gửi số liệu lên cấp trên",
                    "Cấp cụm và cấp tỉnh: nhận và tổng hợp", "Xung đột và điều chỉnh", "Chỉ tiêu và báo cáo",
                    "Sao lưu, khôi phục và đổi cán bộ", "Khi gặp sự cố"):
        assert heading in text, heading
    assert "--selftest" in text  # markdown markers inside code are not eaten
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(out)], capture_output=True,
                                                                text=True, check=True).stdout)[1])
    assert pages >= 5
    assert "Trang 2" in text
