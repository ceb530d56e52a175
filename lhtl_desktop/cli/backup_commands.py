"""`backup --out FILE` and `restore FILE` (ARCHITECTURE.md §5): consistent copy and guided restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from lhtl_desktop.cli import add_db_option, add_json_option, print_json
from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.services import backups
from lhtl_desktop.storage import default_db_path, open_store


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_text = _("sao lưu cơ sở dữ liệu ra một tệp (hoặc thư mục, ví dụ USB) — bản sao nhất quán")
    p = sub.add_parser("backup", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("--out", required=True, metavar=_("TỆP"), help=_("tệp đích, hoặc thư mục để đặt tên tự động"))
    add_json_option(p)
    p.set_defaults(handler=cmd_backup)

    help_text = _("khôi phục cơ sở dữ liệu từ một bản sao lưu; bản hiện tại được giữ lại trong thư mục backups")
    p = sub.add_parser("restore", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("file", metavar=_("TỆP"), help=_("tệp sao lưu cần khôi phục"))
    p.add_argument("--confirm-other-unit", action="store_true",
                   help=_("xác nhận khôi phục bản sao lưu của đơn vị hoặc lần thiết lập khác"))
    p.add_argument("--check", action="store_true", help=_("chỉ kiểm tra tệp, không khôi phục"))
    add_json_option(p)
    p.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_store(_db_path(args), create=False)
    try:
        path = backups.export_backup(store, args.out)
    finally:
        store.close()
    size = path.stat().st_size
    if args.json:
        print_json({"file": str(path), "size": size})
    else:
        print(_("Đã sao lưu vào «{path}» ({size} byte).").format(path=path, size=fmt_int(size)))
    return 0


def _info_json(plan: backups.RestorePlan) -> dict[str, object]:
    info = plan.info
    return {
        "file": str(plan.file),
        "unit": info.unit_code if info else None,
        "unit_name": info.unit_name if info else None,
        "schema_version": info.schema_version if info else None,
        "check": info.check if info else None,
        "institutions": info.institutions if info else 0,
        "records": info.records if info else 0,
        "last_edit": info.last_edit if info else None,
        "allowed": plan.allowed,
        "problems": plan.problems,
        "needs_confirmation": plan.confirm,
    }


def cmd_restore(args: argparse.Namespace) -> int:
    db_path = _db_path(args)
    if args.check:
        plan = backups.check_restore(db_path, Path(args.file))
        if args.json:
            print_json(_info_json(plan))
        else:
            print(plan.describe())
            for line in plan.problems + plan.confirm:
                print("– " + line)
        return 0 if plan.allowed else 2
    result = backups.restore(db_path, Path(args.file), confirm_other_unit=args.confirm_other_unit)
    # Open once: migrates an older backup to this version and proves the result is usable.
    open_store(db_path, create=False).close()
    if args.json:
        print_json({"file": str(result.file), "db": str(result.db_path),
                    "kept_aside": str(result.kept_aside) if result.kept_aside else None,
                    "unit": result.info.unit_code, "records": result.info.records})
        return 0
    print(_("Đã khôi phục {unit} từ «{file}».").format(unit=result.info.unit_name, file=result.file))
    if result.kept_aside:
        print(_("Cơ sở dữ liệu trước khi khôi phục được giữ tại «{path}».").format(path=result.kept_aside))
    return 0
