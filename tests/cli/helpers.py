"""Shared checks for the command tests: a refusal is exit 2, one Vietnamese line, nothing written."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from lhtl_desktop.storage import open_store
from tests.sync.helpers import Site

VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def dump(site: Site) -> str:
    store = open_store(site.db)
    try:
        return store.dump()
    finally:
        store.close()


def refused(site: Site, *args: str, fragment: str = "") -> str:
    """Exit 2, nothing on stdout, one Vietnamese line on stderr, the database byte-for-byte as before."""
    before = dump(site)
    code, out, err = site.run(*args)
    assert code == 2, (args, out, err)
    assert out == "", out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and any(c in VIETNAMESE for c in lines[0].lower()), err
    assert fragment in err, err
    assert dump(site) == before, "a refused command wrote to the database"
    return err.strip()


@contextmanager
def local_time_zone(monkeypatch: pytest.MonkeyPatch, zone: str = "Asia/Ho_Chi_Minh") -> Iterator[None]:
    """The officer's clock (UTC+7, no daylight saving) for what text output shows."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()
