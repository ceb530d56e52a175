"""One rotating log for the CLI and the window, with what happened; a support zip without secrets."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lhtl_desktop import logs
from lhtl_desktop.cli import main
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.enrolment import own_key_info


@pytest.fixture(autouse=True)
def _fresh_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logdir"
    monkeypatch.setenv("LHTL_LOG_DIR", str(folder))
    logs.reset_for_tests()
    yield folder
    logs.reset_for_tests()


def _log_text(folder: Path) -> str:
    for h in logs.log.handlers:
        h.flush()
    return (folder / logs.LOG_NAME).read_text(encoding="utf-8")


def _init(db: Path, unit: str) -> None:
    assert main(["--db", str(db), "init", "--unit", unit, "--officer", "Nguyễn Văn An"]) == 0


def test_the_cli_logs_its_commands_exports_and_imports(tmp_path: Path, _fresh_log: Path) -> None:
    commune, hub = tmp_path / "xa.sqlite3", tmp_path / "cum.sqlite3"
    _init(commune, "14389")
    _init(hub, "372")
    enrol = tmp_path / "xa.lhtl-key"
    assert main(["--db", str(commune), "key", "export", "--out", str(enrol)]) == 0
    s = open_store(commune)
    fingerprint = own_key_info(s).fingerprint
    s.close()
    assert main(["--db", str(hub), "key", "enroll", str(enrol), "--fingerprint", fingerprint]) == 0
    bundle = tmp_path / "xa.lhtl"
    assert main(["--db", str(commune), "export", "--out", str(bundle)]) == 0
    assert main(["--db", str(hub), "import", str(bundle)]) == 0
    text = _log_text(_fresh_log)
    assert "[cli " in text
    assert "cli-start command=init" in text
    assert "enrol unit=372 key_unit=14389" in text
    assert "export unit=14389 to=372 seq=1" in text
    assert "import file=xa.lhtl status=accepted from_unit=14389 seq=1" in text
    assert "cli command=import exit=0" in text
    assert fingerprint.replace(" ", "") not in text.replace(" ", "")  # codes and counts, not secrets


def test_a_refusal_is_logged_and_nothing_is_written_beside_the_database(tmp_path: Path, _fresh_log: Path) -> None:
    db = tmp_path / "xa.sqlite3"
    _init(db, "14389")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["--db", str(db), "institution", "add", "--unit", "14389", "--type", "khong_co", "--name", "X"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert "refused (exit 2)" in _log_text(_fresh_log)


def test_the_log_rotates(tmp_path: Path, _fresh_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    logs.setup_logging(_fresh_log, "cli")
    for n in range(200):
        logs.event("filler", n=n, text="x" * 40)
    files = logs.log_files(_fresh_log)
    assert 2 <= len(files) <= logs.BACKUP_COUNT + 1
    assert all(f.stat().st_size <= 2_500 for f in files)


def test_the_window_logs_qt_messages(tmp_path: Path, _fresh_log: Path, qapp: object) -> None:
    from PySide6.QtCore import qWarning

    from lhtl_desktop.ui.dialogs import setup_logging

    path = setup_logging(_fresh_log)
    try:
        qWarning("máy in không trả lời")
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)
    assert path == _fresh_log / logs.LOG_NAME
    text = _log_text(_fresh_log)
    assert "[window " in text and "WARNING" in text and "máy in không trả lời" in text


def test_support_zip_has_log_versions_and_report_but_no_key(tmp_path: Path, _fresh_log: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "xa.sqlite3"
    _init(db, "14389")
    capsys.readouterr()
    out = tmp_path / "hotro.zip"
    assert main(["--db", str(db), "support", "--out", str(out)]) == 0
    assert "Đã ghi tệp hỗ trợ" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        blob = b"".join(zf.read(n) for n in names)
    assert {"versions.txt", "database.txt", "logs/lhtl.log"} <= names
    assert b"unit_code: 14389" in blob and b"quick_check ok" in blob
    store = open_store(db)
    try:
        secrets = [str(v) for r in store.db.execute("SELECT private_key FROM keys").fetchall() for v in r if v]
    finally:
        store.close()
    assert secrets
    for secret in secrets:
        for part in json.loads(secret).values():
            if isinstance(part, str) and len(part) > 16:
                assert part.encode() not in blob


@pytest.mark.parametrize("name", ["xa.sqlite3", "xa.sqlite3-wal", "hotro.txt"])
def test_support_refuses_the_database_and_odd_names(tmp_path: Path, _fresh_log: Path, name: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "xa.sqlite3"
    _init(db, "14389")
    before = db.read_bytes()
    assert main(["--db", str(db), "support", "--out", str(tmp_path / name)]) == 2
    assert "tệp hỗ trợ" in capsys.readouterr().err.lower()
    assert db.read_bytes() == before
    assert not (tmp_path / "hotro.txt").exists()
