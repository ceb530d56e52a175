"""Files and locks: a dangling link, an unreadable or read-only file or folder, a folder, a FIFO or a device where
a bundle or the database is expected, and a database held by another process, each give one Vietnamese line
and exit 2 (3 for import) — never a traceback, never a hang — and change nothing.

Permissions are tried as an ordinary user: when the suite runs as root (as in CI containers, where chmod does
not stop root), those cases run in a forked child that drops to `nobody` first.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_support import HUB, import_state, make_sync_pair, record

from lhtl_desktop.cli import main
from lhtl_desktop.errors import DatabaseBusyError, sqlite_environment_error
from lhtl_desktop.storage import db as db_module

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "fork"), reason="POSIX only"),
    # The child only drops its privileges and runs one command; threads left by earlier tests do not matter.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

NOBODY = 65534


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """A hang is a failure, not a stuck suite: SIGALRM interrupts a blocking open or read."""
    def _fire(_sig: int, _frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, _fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run(argv: list[str], *, unprivileged: bool = False) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the CLI; a traceback or hang counts as exit code 99."""
    if unprivileged and os.getuid() == 0:
        return _run_as_nobody(argv)
    out, err = io.StringIO(), io.StringIO()
    try:
        with deadline(20), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(argv)
    except BaseException as exc:  # noqa: BLE001 - anything escaping is what this test looks for
        return 99, out.getvalue(), f"{type(exc).__name__}: {exc}"
    return rc, out.getvalue(), err.getvalue()


def _import_everything() -> None:
    import importlib
    import pkgutil

    import sqlite_utils  # noqa: F401

    import lhtl_desktop

    for info in pkgutil.walk_packages(lhtl_desktop.__path__, "lhtl_desktop."):
        if ".ui" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    with contextlib.suppress(Exception):  # a lazy import inside the libraries (sqlite-utils' database module)
        importlib.import_module("timeit")


def _run_as_nobody(argv: list[str]) -> tuple[int, str, str]:
    _import_everything()  # before the fork: the interpreter's own files may be out of nobody's reach
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        os.close(read_end)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = run(argv)
        except BaseException as exc:  # noqa: BLE001
            result = (99, "", f"{type(exc).__name__}: {exc}")
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            pipe.write(json.dumps(result))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    rc, out, err = json.loads(data) if data else (99, "", "the child said nothing")
    return int(rc), str(out), str(err)


def one_vietnamese_line(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return (len(lines) == 1 and "Traceback" not in text and "Error" not in text
            and any(c in lines[0] for c in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"))


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder `nobody` can reach (pytest's own tmp folders are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="lhtl-files-"))
    base.chmod(0o777)
    try:
        yield base
    finally:
        for p in sorted(base.rglob("*"), key=lambda q: -len(q.parts)):
            with contextlib.suppress(OSError):
                if p.is_dir() and not p.is_symlink():
                    p.chmod(0o777)
        subprocess.run(["rm", "-rf", str(base)], check=False)


def _open_to_all(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o777 if p.is_dir() else 0o666)


def _not_bundles(folder: Path, bundle: Path) -> dict[str, Path]:
    folder.mkdir()
    cases = {}
    cases["dangling-link"] = folder / "gone.lhtl"
    os.symlink(folder / "no-such-file.lhtl", cases["dangling-link"])
    cases["directory"] = folder / "a-folder.lhtl"
    cases["directory"].mkdir()
    cases["fifo"] = folder / "pipe.lhtl"
    os.mkfifo(cases["fifo"])
    cases["char-device"] = Path("/dev/null")
    cases["endless-device"] = Path("/dev/zero")
    cases["link-to-fifo"] = folder / "link-to-pipe.lhtl"
    os.symlink(cases["fifo"], cases["link-to-fifo"])
    cases["unreadable"] = folder / "unreadable.lhtl"
    cases["unreadable"].write_bytes(bundle.read_bytes())
    return cases


BUNDLE_SAYS = {"dangling-link": ("liên kết",), "directory": ("thư mục", "không phải tệp thông thường"),
               "fifo": ("ống dẫn", "không phải tệp thông thường"), "char-device": ("thiết bị", "không phải tệp"),
               "endless-device": ("thiết bị", "không phải tệp"), "link-to-fifo": ("ống dẫn", "không phải tệp"),
               "unreadable": ("không có quyền",)}
DB_SAYS = {"dangling-link": ("liên kết",), "directory": ("thư mục",), "fifo": ("ống dẫn",), "device": ("thiết bị",),
           "read-only-file": ("chỉ cho đọc", "không cho ghi"), "read-only-folder": ("chỉ cho đọc", "không cho ghi")}


def says(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def test_what_is_not_a_readable_bundle_gives_one_line(shared_tmp: Path) -> None:
    hub_db, _commune_db, bundle = make_sync_pair(shared_tmp / "pair", institutions_n=1)
    _open_to_all(shared_tmp / "pair")
    cases = _not_bundles(shared_tmp / "files", bundle)
    _open_to_all(shared_tmp / "files")
    cases["unreadable"].chmod(0o000)
    tried = lost = 0
    failures: list[object] = []
    for name, path in cases.items():
        before = import_state(hub_db)
        for argv, expected in ((["import", str(path)], 3), (["import", "--json", str(path)], 3),
                               (["key", "enroll", str(path), "--fingerprint", "0" * 24], 2),
                               (["restore", "--check", str(path)], 2)):
            rc, out, err = run(["--db", str(hub_db), *argv], unprivileged=True)
            tried += 1
            if argv[1] == "--json":
                doc = json.loads(out) if out.startswith("[") else []
                ok = rc == expected and len(doc) == 1 and doc[0]["status"] == "rejected" \
                    and one_vietnamese_line(doc[0]["reason"]) and says(doc[0]["reason"], BUNDLE_SAYS[name])
            elif argv[0] == "import":
                reason = out.splitlines()[1:2]
                ok = rc == expected and bool(reason) and one_vietnamese_line(reason[0]) \
                    and says(reason[0], BUNDLE_SAYS[name])
            else:
                ok = rc == expected and one_vietnamese_line(err) and says(err, BUNDLE_SAYS[name])
            ok = ok and import_state(hub_db) == before
            if not ok:
                failures.append((name, argv, rc, out, err))
            lost += 0 if ok else 1
    record("file-not-a-bundle", "a dangling link, a folder, a FIFO, a link to a FIFO, /dev/null, /dev/zero or an "
           "unreadable file given as a bundle", "CLI import (text and --json), key enroll, restore --check, as an "
           "ordinary user; 20 s alarm against a hang; hub state before/after", tried, lost)
    assert lost == 0, failures


def _database_cases(base: Path, good: Path) -> dict[str, tuple[Path, bool]]:
    """name → (path given as --db, whether that path holds a good database that must stay as it was)."""
    base.mkdir()
    cases: dict[str, tuple[Path, bool]] = {}
    link = base / "gone.sqlite3"
    os.symlink(base / "nowhere" / "lhtl.sqlite3", link)
    cases["dangling-link"] = (link, False)
    folder = base / "folder.sqlite3"
    folder.mkdir()
    cases["directory"] = (folder, False)
    fifo = base / "pipe.sqlite3"
    os.mkfifo(fifo)
    cases["fifo"] = (fifo, False)
    cases["device"] = (Path("/dev/null"), False)
    ro_file = base / "ro-file" / "lhtl.sqlite3"
    ro_file.parent.mkdir()
    ro_file.write_bytes(good.read_bytes())
    cases["read-only-file"] = (ro_file, True)
    ro_dir = base / "ro-dir" / "lhtl.sqlite3"
    ro_dir.parent.mkdir()
    ro_dir.write_bytes(good.read_bytes())
    cases["read-only-folder"] = (ro_dir, True)
    return cases


def test_what_is_not_a_usable_database_gives_one_line(shared_tmp: Path) -> None:
    hub_db, _commune_db, bundle = make_sync_pair(shared_tmp / "pair", institutions_n=1)
    good = shared_tmp / "good.sqlite3"
    assert main(["--db", str(hub_db), "backup", "--out", str(good)]) == 0
    cases = _database_cases(shared_tmp / "dbs", good)
    _open_to_all(shared_tmp)
    cases["read-only-file"][0].chmod(0o444)
    cases["read-only-folder"][0].parent.chmod(0o555)
    tried = lost = 0
    failures: list[object] = []
    for name, (db, holds_data) in cases.items():
        before = good.read_bytes() if holds_data else None
        for argv, expected in ((["institution", "add", "--unit", HUB, "--type", "museum", "--name", "Bảo tàng"], 2),
                               (["import", str(bundle)], 3), (["key", "show"], 2 if not holds_data else None)):
            rc, out, err = run(["--db", str(db), *argv], unprivileged=True)
            tried += 1
            if expected is None:  # reading a read-only database is allowed
                ok = rc == 0 or (rc == 2 and one_vietnamese_line(err) and says(err, DB_SAYS[name]))
            else:
                ok = rc == expected and one_vietnamese_line(err) and says(err, DB_SAYS[name])
            if holds_data:
                ok = ok and db.read_bytes() == before
            else:
                ok = ok and not (db.parent / "nowhere").exists()
            if not ok:
                failures.append((name, argv, rc, out, err))
            lost += 0 if ok else 1
    record("db-not-usable", "a dangling link, a folder, a FIFO or a device given as the database, a read-only "
           "database file, a database in a read-only folder", "CLI institution add, import and key show as an "
           "ordinary user; 20 s alarm against a hang; the file hashed before/after, nothing created", tried, lost)
    assert lost == 0, failures


LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE meta SET value = value WHERE key = 'unit_code'")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@contextlib.contextmanager
def held_by_another_process(db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.wait(timeout=60)


def test_a_database_busy_in_another_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_db, _commune_db, bundle = make_sync_pair(tmp_path, institutions_n=1)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 400)
    tried = lost = 0
    failures: list[object] = []
    for argv, expected in ((["institution", "add", "--unit", HUB, "--type", "museum", "--name", "Bảo tàng"], 2),
                           (["import", str(bundle)], 3),
                           (["settings", "--officer", "Lê Văn Mới"], 2)):
        before = import_state(hub_db)
        with held_by_another_process(hub_db, 1.5):
            rc, out, err = run(["--db", str(hub_db), *argv])
        tried += 1
        ok = rc == expected and one_vietnamese_line(err) and "đang được một chương trình khác dùng" in err
        ok = ok and import_state(hub_db) == before
        if not ok:
            failures.append((argv, rc, out, err))
        lost += 0 if ok else 1
    # Retried first: a lock released within the busy timeout is waited for, and the command succeeds.
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 10_000)
    with held_by_another_process(hub_db, 0.5):
        rc, out, err = run(["--db", str(hub_db), "import", str(bundle)])
    tried += 1
    if rc != 0:
        failures.append(("retried", rc, out, err))
        lost += 1
    record("db-busy", "the database held by another process's write transaction (past and within the busy "
           "timeout)", "a child process holds BEGIN IMMEDIATE; CLI institution add, import, settings; state "
           "before/after", tried, lost)
    assert lost == 0, failures


def test_the_mapping_is_one_small_function() -> None:
    """The window and the CLI route sqlite3 errors through `sqlite_environment_error`."""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA no_such_pragma_is_fine")
        with pytest.raises(sqlite3.OperationalError) as raised:
            conn.execute("SELEC 1")
    finally:
        conn.close()
    assert sqlite_environment_error(raised.value) is None  # a bug stays a bug
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    mapped = sqlite_environment_error(busy, "lhtl.sqlite3")
    assert isinstance(mapped, DatabaseBusyError) and "«lhtl.sqlite3»" in mapped.message


@pytest.mark.parametrize("code, kind, words", [
    ("SQLITE_BUSY", "DatabaseBusyError", "đang được một chương trình khác dùng"),
    ("SQLITE_LOCKED", "DatabaseBusyError", "đang được một chương trình khác dùng"),
    ("SQLITE_READONLY", "DatabaseError", "chỉ cho đọc"),
    ("SQLITE_CANTOPEN", "DatabaseError", "Không mở được"),
    ("SQLITE_PERM", "DatabaseError", "Không mở được"),
    ("SQLITE_IOERR", "DatabaseError", "Lỗi đọc/ghi ổ đĩa"),
    ("SQLITE_FULL", "DiskFullError", "ổ đĩa đầy"),
    ("SQLITE_CORRUPT", "DatabaseCorruptError", "đã hỏng"),
    ("SQLITE_NOTADB", "DatabaseCorruptError", "đã hỏng"),
])
def test_every_environment_code_has_its_type_and_line(code: str, kind: str, words: str) -> None:
    import sqlite3

    from lhtl_desktop import errors

    exc = sqlite3.DatabaseError("x")
    exc.sqlite_errorcode = getattr(sqlite3, code) | 0x100  # type: ignore[attr-defined]  # an extended code
    mapped = sqlite_environment_error(exc, "lhtl.sqlite3")
    assert type(mapped) is getattr(errors, kind)
    assert mapped is not None and words in mapped.message and "\n" not in mapped.message
    if kind == "DatabaseCorruptError":
        assert mapped.path == "lhtl.sqlite3"  # type: ignore[attr-defined]
    else:
        assert "«lhtl.sqlite3»" in mapped.message or code == "SQLITE_FULL"


def test_an_output_folder_that_cannot_be_written_gives_one_line(shared_tmp: Path) -> None:
    hub_db, commune_db, _bundle = make_sync_pair(shared_tmp / "pair", institutions_n=1)
    locked = shared_tmp / "read-only-usb"
    locked.mkdir()
    _open_to_all(shared_tmp)
    locked.chmod(0o555)
    tried = lost = 0
    failures: list[object] = []
    for argv in (["export", "--out", str(locked / "goi.lhtl")], ["key", "export", "--out", str(locked / "k.lhtl")],
                 ["backup", "--out", str(locked / "saoluu.sqlite3")],
                 ["report", "--period", "2025", "--out", str(locked / "bao-cao.pdf")]):
        before = import_state(commune_db)
        rc, out, err = run(["--db", str(commune_db), *argv], unprivileged=True)
        tried += 1
        ok = rc == 2 and one_vietnamese_line(err) and says(err, ("không có quyền", "Không có quyền")) \
            and import_state(commune_db) == before and not list(locked.iterdir())
        if not ok:
            failures.append((argv, rc, out, err))
        lost += 0 if ok else 1
    record("output-not-writable", "an output file in a folder that cannot be written (a read-only USB stick)",
           "CLI export, key export, backup, report --out as an ordinary user; state and folder before/after",
           tried, lost)
    assert lost == 0, failures
    assert hub_db.exists()
