"""argparse's own words — «usage:», «options», «show this help message and exit», its error messages — in
Vietnamese, so that `lhtl --help` and a mistyped command read in one language.

argparse looks those texts up with `gettext` in a catalogue Python does not ship for Vietnamese. Like the table
for Qt's own buttons in `ui/look.py`, this small table answers them; `install()` points argparse's lookups at it
when the program speaks Vietnamese (in English argparse keeps its own words). The keys are argparse's exact
message ids (Python 3.12–3.13); a key argparse no longer uses is simply never asked for.
"""

from __future__ import annotations

import argparse

from lhtl_desktop import i18n

ARGPARSE_VI: dict[str, str] = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần đúng một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "not allowed with argument %s": "không dùng được cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn chưa rõ: %(option)s có thể là %(matches)s",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unexpected option string: %s": "tùy chọn không đúng chỗ: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "can't open '%(filename)s': %(error)s": "không mở được «%(filename)s»: %(error)s",
}


def _vietnamese(message: str) -> str:
    return ARGPARSE_VI.get(message, message)


def _vietnamese_plural(singular: str, plural: str, n: int) -> str:
    return _vietnamese(singular if n == 1 else plural)


def install() -> None:
    """Make argparse speak the program's language (a no-op in English, argparse's own)."""
    if i18n.LANGUAGE == i18n.SOURCE_LANGUAGE:
        argparse._ = _vietnamese  # type: ignore[attr-defined]
        argparse.ngettext = _vietnamese_plural  # type: ignore[attr-defined]
