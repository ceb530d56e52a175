"""Where a value came from, when it did not come from a signed bundle or the entry form.

A value from an Excel return form carries its provenance in the record's `reason` (so it travels up in every
bundle, and a hub or province needs no typed reason for it): «nguồn: biểu Excel, chưa ký · tệp … · SHA-256 … ·
người nhập …». Locally `form_records` keeps the full SHA-256 and the import it came with. Figures from before
the program carry «nguồn: số liệu trước chương trình …» the same way. Pages, sheets and lists that show a value
call `source_mark(reason)` to say so.

The reason is stored and travels in Vietnamese whatever the language of the installation that wrote it: other
installations find the mark by its prefix, so it must not depend on who wrote it (`source_mark` translates it
for display).
"""

from __future__ import annotations

from lhtl_desktop.i18n import N_, _

FORM_SOURCE = N_("nguồn: biểu Excel, chưa ký")  # stored: never translated
HISTORY_SOURCE = N_("nguồn: số liệu trước chương trình")
_STORED_REASON = "{source} · tệp «{file}» · SHA-256 {sha} · người nhập: {who}"  # stored: never translated
_MAX_FILE = 60


def form_reason(file_name: str, sha256: str, importer: str) -> str:
    name = file_name if len(file_name) <= _MAX_FILE else file_name[: _MAX_FILE - 1] + "…"
    return _STORED_REASON.format(source=FORM_SOURCE, file=name, sha=sha256[:16], who=importer)


def history_reason(file_name: str, sha256: str, importer: str) -> str:
    name = file_name if len(file_name) <= _MAX_FILE else file_name[: _MAX_FILE - 1] + "…"
    return _STORED_REASON.format(source=HISTORY_SOURCE, file=name, sha=sha256[:16], who=importer)


def source_mark(reason: str | None) -> str:
    """«nguồn: biểu Excel, chưa ký» / «nguồn: số liệu trước chương trình» (in the program's language) for a value
    that came that way, else ""."""
    text = reason or ""
    if text.startswith(FORM_SOURCE):
        return _(FORM_SOURCE)
    if text.startswith(HISTORY_SOURCE):
        return _(HISTORY_SOURCE)
    return ""


def is_unsigned_form(reason: str | None) -> bool:
    return (reason or "").startswith(FORM_SOURCE)
