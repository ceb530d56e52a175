"""Databases a command opened, closed when it ends (cli.main). A store left to the garbage collector is
closed whenever a reference cycle happens to be collected — perhaps in the middle of the next command in the
same process, checkpointing its write-ahead log into the file then; closing at the end of the command keeps
the file complete and unchanging once the command has returned, refused or not."""

from __future__ import annotations

from lhtl_desktop.storage.store import Store

_opened: list[Store] = []


def remember_opened(store: Store) -> Store:
    _opened.append(store)
    return store


def close_opened_stores() -> None:
    while _opened:
        _opened.pop().close()
