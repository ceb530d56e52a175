"""`report` refuses bad input with one Vietnamese line, exit 2, no file (not even half a one), and no change
to the database; the verification code follows the documented recipe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.services import entry, reports
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.services.reports.verification import code_of_payload, verification_code
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key
from tests.reports.data import GIA_LAM, GIA_TUONG, Built

VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


@pytest.mark.parametrize("args, words", [
    (["--period", "2025", "--scope", "99999"], "Không có đơn vị"),
    (["--period", "2025", "--scope", "123"], "Không có đơn vị"),
    (["--period", "2025", "--scope", "abc"], "không hợp lệ"),
    (["--period", "20x5"], "không hợp lệ"),
    (["--period", "2025-H2"], "không hợp lệ"),
    (["--period", "1999"], "nằm ngoài"),
])
def test_bad_scope_or_year_is_refused_and_nothing_is_written(
        province: Built, store: Store, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        args: list[str], words: str) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = store.dump()
    for ext in ("pdf", "xlsx"):
        code, out, err = run(capsys, db_path, "report", *args, "--out", str(out_dir / f"bc.{ext}"))
        assert code == 2, err
        assert words in err and len(err.strip().splitlines()) == 1
        assert any(c in VIETNAMESE for c in err.lower())
        assert out == ""
    assert files_in(out_dir) == set()
    assert store.dump() == before


@pytest.mark.parametrize("target, words", [
    ("bao-cao.docx", "phải có đuôi .pdf"),
    ("bao-cao", "phải có đuôi .pdf"),
    ("khong-co/bao-cao.pdf", "không tồn tại"),
    ("a-file.txt/bao-cao.xlsx", "không tồn tại"),
    ("a-folder.pdf", "là một thư mục"),
])
def test_bad_output_is_refused_before_any_work(province: Built, store: Store, db_path: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str], target: str, words: str) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "a-file.txt").write_text("x")
    (out_dir / "a-folder.pdf").mkdir()
    before_files = files_in(out_dir)
    before = store.dump()
    code, _out, err = run(capsys, db_path, "report", "--period", "2025", "--out", str(out_dir / target))
    assert code == 2 and words in err, err
    assert files_in(out_dir) == before_files
    assert store.dump() == before


def test_scope_outside_my_unit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "xa.sqlite3"
    s = open_store(db)
    init_installation(s, GIA_LAM, "Nguyễn Văn An", generate_key(None))
    before = s.dump()
    s.close()
    for scope in (GIA_TUONG, "372", "37"):
        code, _out, err = run(capsys, db, "report", "--period", "2025", "--scope", scope,
                              "--out", str(tmp_path / "bc.pdf"))
        assert code == 2 and "nằm ngoài phạm vi" in err, err
    assert not (tmp_path / "bc.pdf").exists()
    assert open_store(db).dump() == before


def test_failed_write_leaves_no_half_file(province: Built, store: Store, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bc.pdf"

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reports.os, "replace", broken)
    with pytest.raises(reports.RefusedError) as err:
        reports.write_report(store, 2025, None, out)
    assert "Không ghi được tệp" in err.value.message
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_existing_file_is_replaced_whole(province: Built, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "bc.xlsx"
    out.write_bytes(b"old content")
    reports.write_report(store, 2025, None, out)
    assert out.read_bytes()[:2] == b"PK"


def test_verification_code_follows_the_documented_recipe(province: Built, store: Store, db_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # Recompute from `evaluate --json` and `get --json`, as a receiving office could by hand.
    code, out, _err = run(capsys, db_path, "evaluate", "--period", "2025", "--scope", GIA_LAM, "--json")
    results = json.loads(out)
    values: dict[str, dict[str, int]] = {}
    for key, inst_id in province.ids.items():
        if key in ("lib_gl", "cc_gl", "vh_gl1", "vh_gl2"):
            _c, got, _e = run(capsys, db_path, "get", "--institution", inst_id, "--period", "2025", "--json")
            data = json.loads(got)
            flat = {k: (v["value"] if isinstance(v, dict) else v) for k, v in data.items()}
            if flat:
                values[inst_id] = flat
    payload = {
        "format": "lhtl-sheet-1", "scope": GIA_LAM, "year": 2025,
        "targets": {t["target"]: [None if t["numerator"] is None else int(t["numerator"]),
                                  None if t["denominator"] is None else int(t["denominator"])] for t in results},
        "values": values,
    }
    expected = code_of_payload(payload)
    assert verification_code(store, 2025, GIA_LAM) == expected
    assert reports.build_report(store, 2025, GIA_LAM).code == expected

    # Any change to a printed number changes the code; putting it back restores it.
    entry.set_values(store, province.ids["cc_gl"], "2025", {"CC_PARTICIPANTS": "1891"}, why="Sửa")
    assert verification_code(store, 2025, GIA_LAM) != expected
    entry.set_values(store, province.ids["cc_gl"], "2025", {"CC_PARTICIPANTS": "1890"}, why="Sửa")
    assert verification_code(store, 2025, GIA_LAM) == expected


def test_cli_and_reports_do_not_load_qt() -> None:
    code = ("import sys, lhtl_desktop.cli, lhtl_desktop.cli.report_commands, lhtl_desktop.services.reports;"
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
