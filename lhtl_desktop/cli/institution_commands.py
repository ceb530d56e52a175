"""`institution reopen` and `institution add-villages`: the window's «Hoạt động trở lại» and «Thêm nhà văn hóa
theo danh sách thôn…» (ARCHITECTURE.md §5: anything the window can do, the CLI can do)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lhtl_desktop.cli import add_db_option, add_json_option, print_json, subcommands
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.errors import NotFoundError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.services import installation, institutions

MAX_LIST_BYTES = 1024 * 1024  # a commune has tens of villages; a megabyte of names is a wrong file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    isub = subcommands(sub, "institution")
    help_text = _("cho thiết chế đã ngừng hoạt động hoạt động trở lại")
    p = isub.add_parser("reopen", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("id", metavar="ID", help=_("mã ngắn (ví dụ 14389-3) hoặc mã đầy đủ của thiết chế"))
    p.set_defaults(handler=cmd_reopen)

    help_text = _("thêm một nhà văn hóa thôn cho mỗi tên thôn, tổ dân phố trong danh sách (mỗi dòng một tên)")
    p = isub.add_parser("add-villages", help=help_text, description=help_text + ". " + _(
        "Tên trùng nhau hoặc đã có nhà văn hóa thì bỏ qua."))
    add_db_option(p)
    p.add_argument("--unit", required=True, metavar=_("MÃ"), help=_("mã xã, phường"))
    p.add_argument("file", nargs="?", default="-", metavar=_("TỆP"),
                   help=_("tệp văn bản UTF-8, mỗi dòng một tên thôn; «-» hoặc bỏ trống: đọc từ stdin"))
    add_json_option(p)
    p.set_defaults(handler=cmd_add_villages)


def cmd_reopen(args: argparse.Namespace) -> int:
    inst = institutions.reopen_institution(store_from(args), args.id)
    print(_("«{name}» ({ref}) hoạt động trở lại.").format(name=inst.name, ref=inst.shown_ref))
    return 0


def read_village_list(source: str) -> list[str]:
    """The lines of a file (or stdin for «-»), UTF-8 with or without BOM; refused when unreadable or empty."""
    if source == "-":
        if sys.stdin.isatty():  # nothing piped in: say so rather than wait for typing
            raise ValidationError(_("Chưa có danh sách thôn: ghi tên tệp (mỗi dòng một tên) hoặc chuyển danh sách "
                                    "vào stdin."), field="file")
        data = sys.stdin.buffer.read(MAX_LIST_BYTES + 1)
        name = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise NotFoundError(_("Không có tệp «{path}».").format(path=path), field="file")
        with path.open("rb") as fh:
            data = fh.read(MAX_LIST_BYTES + 1)
        name = path.name
    if len(data) > MAX_LIST_BYTES:
        raise ValidationError(_("Danh sách «{name}» quá lớn (tối đa 1 MB).").format(name=name), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Danh sách «{name}» không phải văn bản UTF-8: hãy lưu lại với mã hóa UTF-8.")
                              .format(name=name), field="file") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError(_("Danh sách «{name}» chưa có tên thôn, tổ dân phố nào.").format(name=name),
                              field="file")
    return lines


def cmd_add_villages(args: argparse.Namespace) -> int:
    store = store_from(args)
    installation.require_in_scope(store, args.unit)  # a mistyped unit is refused before stdin is read
    names = read_village_list(args.file)
    created = institutions.add_village_houses(store, args.unit, names)
    if args.json:
        print_json([{"id": i.id, "ref": i.ref, "unit": i.unit_code, "name": i.name, "village": i.village}
                    for i in created])
        return 0
    unit = store.unit(args.unit.strip())
    unit_name = unit.name if unit else args.unit
    skipped = len(names) - len(created)
    if created:
        print(_("Đã thêm {n} nhà văn hóa thôn cho {unit}: {refs}").format(
            n=len(created), unit=unit_name, refs=", ".join(i.shown_ref for i in created))
              + (_(" (bỏ qua {m} tên trùng hoặc đã có).").format(m=skipped) if skipped else "."))
    else:
        print(_("Không thêm gì: cả {m} tên thôn đã có nhà văn hóa ở {unit}.").format(m=skipped, unit=unit_name))
    return 0
