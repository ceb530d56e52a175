"""One helper writes every file whole or not at all, and makes the rename durable (fsync of the folder)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lhtl_desktop.errors import BundleError, RefusedError
from lhtl_desktop.services.reports import write_atomically
from lhtl_desktop.storage.files import write_atomic
from lhtl_desktop.sync import envelope


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """'file' or 'dir' for every fsync, in order."""
    seen: list[str] = []
    real = os.fsync

    def record(fd: int) -> None:
        seen.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", record)
    return seen


@pytest.mark.parametrize("writer", [write_atomic, write_atomically, envelope.write_atomic],
                         ids=["storage.files", "reports", "bundles"])
def test_every_writer_fsyncs_the_file_then_its_folder(writer, tmp_path: Path, fsynced: list[str]) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "biểu tổng hợp.pdf"
    writer(target, b"%PDF whole")
    assert target.read_bytes() == b"%PDF whole"
    assert fsynced[-2:] == ["file", "dir"] if os.name == "posix" else fsynced[-1:] == ["file"]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "goi.lhtl"
    target.write_bytes(b"old")

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomic(target, b"new")
    with pytest.raises(RefusedError) as caught:
        write_atomically(target, b"new")
    assert "Không ghi được tệp" in caught.value.message
    with pytest.raises(BundleError):
        envelope.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["goi.lhtl"]
