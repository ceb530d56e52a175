"""The self-test from source: it passes on a working program and fails — never passes — when a part is broken."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from lhtl_desktop import __version__, selftest
from lhtl_desktop.selftest import MissingPart, Workspace, run_checks, run_selftest

ROOT = Path(__file__).resolve().parents[2]


def test_selftest_passes_from_source(qapp, tmp_path: Path) -> None:
    from lhtl_desktop.ui.selftest_window import check_main_window

    out = io.StringIO()
    code = run_selftest(check_main_window, out=out, workdir=tmp_path)
    text = out.getvalue()
    assert code == 0, text
    assert text.splitlines()[0] == f"lhtl {__version__}"
    assert text.count("[ĐẠT]") == 7 and "[LỖI]" not in text
    for part in ("cơ sở dữ liệu", "gói dữ liệu", "biểu tổng hợp PDF", "sổ Excel", "cửa sổ chương trình"):
        assert f"[ĐẠT] {part}" in text
    assert "bản sửa 1 byte bị từ chối" in text
    assert list(tmp_path.iterdir()) == []  # the temporary workspace is removed


def test_without_the_window_part_it_fails(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_selftest(None, out=out, workdir=tmp_path) == 1
    assert "[LỖI] cửa sổ chương trình" in out.getvalue()
    assert "Tự kiểm tra KHÔNG ĐẠT: cửa sổ chương trình." in out.getvalue()


def test_missing_fonts_fail_the_files_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fontpkg_be_vietnam_pro

    (tmp_path / "files").mkdir()
    monkeypatch.setattr(fontpkg_be_vietnam_pro, "ROOT", tmp_path)
    results = run_checks([("tệp đi kèm", selftest.check_files)], workdir=tmp_path)
    assert not results[0].ok
    assert "BeVietnamPro-Regular.ttf" in results[0].detail


def test_a_missing_translation_catalogue_fails_the_files_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lhtl_desktop import i18n

    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    results = run_checks([("tệp đi kèm", selftest.check_files)], workdir=tmp_path)
    assert not results[0].ok and "lhtl.mo" in results[0].detail


def test_a_crash_is_reported_and_the_other_checks_still_run(tmp_path: Path) -> None:
    def crashes(ws: Workspace) -> str:
        raise RuntimeError("hỏng")

    def missing(ws: Workspace) -> str:
        raise MissingPart("Thiếu phần X.")

    out = io.StringIO()
    results = run_checks([("a", crashes), ("b", missing), ("c", lambda ws: "ổn")], out, tmp_path)
    assert [r.ok for r in results] == [False, False, True]
    assert "RuntimeError: hỏng" in results[0].detail and "Traceback" in results[0].detail
    assert results[1].detail == "Thiếu phần X."
    assert "[ĐẠT] c" in out.getvalue()


def test_checks_that_need_the_database_fail_without_it(tmp_path: Path) -> None:
    results = run_checks([("gói", selftest.check_bundle), ("pdf", selftest.check_pdf)], workdir=tmp_path)
    assert [r.ok for r in results] == [False, False]
    assert all("Cần cơ sở dữ liệu" in r.detail for r in results)


def test_version_from_main_py() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True,
                          encoding="utf-8", check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == f"lhtl {__version__}"
    assert "Python 3." in second and "Qt 6." in second and "chạy từ mã nguồn" in second
