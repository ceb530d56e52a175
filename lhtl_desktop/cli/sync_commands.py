"""Sync commands (ARCHITECTURE.md §5): key show|export|enroll|list|new|retire|revoke, export, import, conflicts,
inbox, quarantine. Printing and exit codes only; the work is in lhtl_desktop.sync."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from lhtl_desktop.cli import add_command, add_db_option, add_json_option, print_json
from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _, fmt_int, fmt_local_time
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.storage.opened import remember_opened
from lhtl_desktop.sync import conflicts as sync_conflicts
from lhtl_desktop.sync import enrolment, exporter, importer, inbox
from lhtl_desktop.sync.trust import STATUS_LABELS


def _store(args: argparse.Namespace) -> Store:
    return remember_opened(open_store(Path(args.db) if getattr(args, "db", None) else None))


def _passphrase(args: argparse.Namespace) -> str | None:
    var = getattr(args, "passphrase_env", None)
    if not var:
        return None
    value = os.environ.get(var)
    if value is None:
        raise ValidationError(_("Biến môi trường «{var}» chưa được đặt.").format(var=var))
    return value


_command = add_command  # one way a command is made: help, --db, handler


def _passphrase_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-env", metavar=_("BIẾN"),
                   help=_("tên biến môi trường chứa mật khẩu bảo vệ khóa (khi khóa có mật khẩu)"))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    key = sub.add_parser("key", help=_("khóa ký của máy này và khóa của đơn vị khác"))
    ksub = key.add_subparsers(dest="key_command", metavar=_("VIỆC"), required=True, parser_class=type(key))
    p = _command(ksub, "show", _("xem mã khóa và dấu vân tay của máy này"), cmd_key_show)
    p.add_argument("--pdf", metavar=_("TỆP.pdf"), help=_("ghi phiếu dấu vân tay (như phiếu in của cửa sổ) ra tệp PDF"))
    add_json_option(p)
    p = _command(ksub, "export", _("ghi tệp đăng ký khóa của máy này để gửi cấp trên hoặc cấp dưới"), cmd_key_export)
    p.add_argument("--out", required=True, metavar=_("TỆP"), help=_("tệp đăng ký khóa (.lhtl) hoặc thư mục (USB)"))
    p.add_argument("--to", metavar=_("MÃ"), help=_("đơn vị sẽ nhận tệp (để lời nhắc nói đúng cấp trên hay cấp dưới)"))
    _passphrase_option(p)
    p = _command(ksub, "enroll", _("đăng ký khóa của đơn vị khác sau khi đối chiếu dấu vân tay"), cmd_key_enroll)
    p.add_argument("file", metavar=_("TỆP"), help=_("tệp đăng ký khóa nhận từ đơn vị kia"))
    p.add_argument("--fingerprint", required=True, metavar=_("DẤU_VÂN_TAY"),
                   help=_("24 chữ số đọc từ phiếu in hoặc qua điện thoại của đơn vị gửi"))
    p.add_argument("--replace", action="store_true",
                   help=_("khóa này thay khóa đang dùng của đơn vị (máy mới, cán bộ mới): khóa cũ được ghi là đã thay"))
    _passphrase_option(p)
    p = _command(ksub, "list", _("liệt kê các khóa được tin cậy"), cmd_key_list)
    add_json_option(p)
    new_help = _("tạo khóa mới cho máy này khi đổi cán bộ hoặc quên mật khẩu bảo vệ khóa")
    p = ksub.add_parser(
        "new", help=new_help, description=new_help + ". " + _(
            "Không cần mật khẩu cũ: số liệu trong cơ sở dữ liệu không bị mã hóa, chỉ việc ký gói mới cần khóa. Khóa "
            "cũ được ghi là đã thay (giữ lại để kiểm chứng số liệu cũ, không ký được nữa); những gì khóa cũ đã nhập "
            "vẫn giữ nguyên và được gửi lên trong các gói ký bằng khóa mới. Sau đó gửi tệp đăng ký khóa mới (--out) "
            "cho cấp trên và đọc dấu vân tay mới qua điện thoại; cấp trên đăng ký bằng «key enroll» và khóa cũ được "
            "ghi là đã thay ở cấp trên."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(p)
    p.set_defaults(handler=cmd_key_new)
    p.add_argument("--out", metavar=_("TỆP"), help=_("ghi ngay tệp đăng ký khóa mới (tệp hoặc thư mục) để gửi cấp trên"))
    p.add_argument("--officer", metavar=_("TÊN"), help=_("họ tên cán bộ mới (mặc định: giữ tên hiện tại)"))
    p.add_argument("--passphrase-env", metavar=_("BIẾN"),
                   help=_("tên biến môi trường chứa mật khẩu MỚI bảo vệ khóa mới (nên đặt; ít nhất 8 ký tự)"))
    add_json_option(p)
    for name, status, text in (("retire", "retired", _("ghi nhận khóa của đơn vị cấp dưới đã được thay (đổi cán bộ)")),
                               ("revoke", "revoked", _("thu hồi khóa của đơn vị cấp dưới (mất máy, lộ khóa)"))):
        p = _command(ksub, name, text, cmd_key_status)
        p.add_argument("key_id", metavar=_("MÃ_KHÓA"), help=_("mã khóa (hoặc 8 chữ đầu), xem «key list»"))
        p.set_defaults(new_status=status)
        _passphrase_option(p)

    p = _command(sub, "export", _("ghi gói số liệu có chữ ký của phạm vi mình, gửi cấp trên (mặc định)"), cmd_export)
    p.add_argument("--out", required=True, metavar=_("TỆP"), help=_("tệp .lhtl hoặc thư mục (USB)"))
    p.add_argument("--to", metavar=_("MÃ"), help=_("đơn vị nhận (mặc định: cấp trên)"))
    _passphrase_option(p)
    add_json_option(p)

    p = _command(sub, "import", _("nhập một hay nhiều gói số liệu (.lhtl)"), cmd_import)
    p.add_argument("files", nargs="*", metavar=_("TỆP"), help=_("các tệp gói .lhtl"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    p.add_argument("--quarantined", action="store_true", help=_("nhập lại các tệp đang cách ly (sau khi đăng ký khóa)"))
    add_json_option(p)

    p = _command(sub, "conflicts", _("liệt kê các xung đột số liệu đang mở"), cmd_conflicts)
    add_json_option(p)
    p = _command(sub, "inbox", _("gói đã nhận từ từng đơn vị: gói cuối, số thứ tự, gói còn thiếu"), cmd_inbox)
    add_json_option(p)
    p = _command(sub, "quarantine", _("liệt kê các tệp đang cách ly (khóa chưa đăng ký)"), cmd_quarantine)
    add_json_option(p)


def cmd_key_show(args: argparse.Namespace) -> int:
    store = _store(args)
    info = enrolment.own_key_info(store)
    if args.pdf:
        from lhtl_desktop.services.reports.fingerprint import write_fingerprint_sheet

        path = write_fingerprint_sheet(args.pdf, info.unit_name, info.unit, info.officer, info.fingerprint,
                                       store.path)
        if not args.json:
            print(_("Đã ghi phiếu dấu vân tay của {unit}: {path}").format(unit=info.unit_name, path=path))
            return 0
    if args.json:
        print_json({"key_id": info.key_id, "fingerprint": info.fingerprint, "unit": info.unit})
    else:
        print(_("Khóa của {unit} ({code})").format(unit=info.unit_name, code=info.unit))
        print(_("Mã khóa: {key}").format(key=info.key_id))
        print(_("Dấu vân tay: {fp}").format(fp=info.fingerprint))
    return 0


def cmd_key_export(args: argparse.Namespace) -> int:
    store = _store(args)
    direction = enrolment.enrolment_direction(store, args.to)  # a wrong --to is refused before the file is written
    path = enrolment.export_enrolment(store, args.out, passphrase=_passphrase(args))
    info = enrolment.own_key_info(store)
    print(_("Đã ghi tệp đăng ký khóa: {path}").format(path=path))
    reader = {"up": _("cấp trên"), "down": _("cấp dưới"), "either": _("đơn vị nhận (cấp trên hoặc cấp dưới)")}
    print(_("Dấu vân tay (đọc cho {who} qua điện thoại hoặc in kèm): {fp}").format(
        who=reader[direction], fp=info.fingerprint))
    return 0


def cmd_key_enroll(args: argparse.Namespace) -> int:
    store = _store(args)
    result = enrolment.enrol_key(store, args.file, args.fingerprint, passphrase=_passphrase(args),
                                 replace=args.replace)
    if result.already:
        print(_("Khóa của {unit} ({code}) đã được đăng ký trước đó.").format(unit=result.unit_name, code=result.unit))
    else:
        print(_("Đã đăng ký khóa của {unit} ({code}), dấu vân tay {fp}.").format(
            unit=result.unit_name, code=result.unit, fp=result.fingerprint))
    for key_id in result.retired:
        print(_("Khóa cũ {key} của {unit} được ghi là đã thay: những gì khóa cũ nhập trước khi đổi vẫn được nhận, "
                "gói mới ký bằng khóa cũ bị từ chối.").format(key=key_id[:8], unit=result.unit_name))
    if result.waiting:
        print(_("Có {n} tệp đang cách ly từ khóa này: nhập lại bằng «import --quarantined».").format(n=result.waiting))
    return 0


def cmd_key_new(args: argparse.Namespace) -> int:
    store = _store(args)
    result = enrolment.new_own_key(store, passphrase=_passphrase(args), officer=args.officer, out=args.out)
    if args.json:
        print_json({"key_id": result.key_id, "fingerprint": result.fingerprint, "old_key_id": result.old_key_id,
                    "old_max_seq": result.old_max_seq, "old_max_counter": result.old_max_counter,
                    "protected": result.protected,
                    "enrolment_file": str(result.enrolment_path) if result.enrolment_path else None})
        return 0
    print(_("Đã tạo khóa mới: mã {key}").format(key=result.key_id))
    print(_("Dấu vân tay mới (đọc cho cấp trên qua điện thoại): {fp}").format(fp=result.fingerprint))
    print(_("Khóa cũ {key} đã được ghi là đã thay (gói cuối số {seq}, sửa đổi cuối số {n}).").format(
        key=result.old_key_id[:8], seq=result.old_max_seq, n=result.old_max_counter))
    if result.enrolment_path:
        print(_("Đã ghi tệp đăng ký khóa mới: {path} — gửi cho cấp trên để đăng ký («key enroll»).").format(
            path=result.enrolment_path))
    else:
        print(_("Tiếp theo: ghi tệp đăng ký khóa mới bằng «key export --out TỆP» và gửi cho cấp trên."))
    if not result.protected:
        print(_("⚠ Khóa mới chưa có mật khẩu bảo vệ: nên đặt mật khẩu (--passphrase-env) hoặc đổi trong «Cài đặt»."))
    return 0


def cmd_key_list(args: argparse.Namespace) -> int:
    store = _store(args)
    keys = enrolment.trusted_keys(store)
    units = store.units()
    counts = enrolment.records_by_key(store)
    rows: list[dict[str, Any]] = [{"key_id": k.key_id, "unit": k.unit, "unit_name": units[k.unit].name if k.unit in units else k.unit,
             "fingerprint": k.fingerprint, "status": k.status, "direct": k.direct, "max_seq": k.max_seq,
             "max_counter": k.max_counter, "records": counts.get(k.key_id, 0)} for k in keys]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['key_id'][:8]}  {r['unit']:>5}  {r['unit_name']:<30}  {r['fingerprint']}  "
                  f"{STATUS_LABELS.get(str(r['status']), r['status'])}")
            if r["status"] == "revoked" and r["records"]:
                print("    " + _("⚠ {n} giá trị do khóa này nhập trước khi bị thu hồi vẫn được giữ và tính; hãy rà soát "
                              "và điều chỉnh (set --why) nếu cần.").format(n=r["records"]))
    return 0


def cmd_key_status(args: argparse.Namespace) -> int:
    store = _store(args)
    key = enrolment.change_key_status(store, args.key_id, args.new_status, passphrase=_passphrase(args))
    print(_("Khóa {key} của {unit}: {status}.").format(key=key.key_id[:8], unit=_unit_words(store, key.unit),
                                                     status=STATUS_LABELS[key.status]))
    return 0


def _unit_words(store: Store, code: str) -> str:
    """«Huyện Nho Quan (cũ) (372)»: the name an officer reads, with the code a script greps."""
    unit = store.unit(code)
    return f"{unit.name} ({code})" if unit else code


def cmd_export(args: argparse.Namespace) -> int:
    store = _store(args)
    result = exporter.export_bundle(store, args.out, to_unit=args.to, passphrase=_passphrase(args))
    if args.json:
        print_json({"file": str(result.path), "bundle_id": result.bundle_id, "seq": result.seq,
                    "from": result.from_unit, "to": result.to_unit, "institutions": result.institutions,
                    "records": result.records, "withheld": result.withheld})
    else:
        print(_("Đã ghi gói số {seq} gửi {to}: {path} ({n} thiết chế, {r} giá trị).").format(
            seq=result.seq, to=_unit_words(store, result.to_unit), path=result.path, n=fmt_int(result.institutions),
            r=fmt_int(result.records)))
        if result.withheld:
            print(_("Không gửi {n} giá trị do khóa đã thay hoặc đã thu hồi nhập sau mốc của khóa đó (xem «key list»).")
                  .format(n=fmt_int(result.withheld)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    store = _store(args)
    if not args.files and not args.quarantined:
        raise ValidationError(_("Chưa chọn tệp nào để nhập."))
    results = importer.import_files(store, args.files, dry_run=args.dry_run) if args.files else []
    if args.quarantined:
        results += importer.import_quarantined(store, dry_run=args.dry_run)
    keys = ("file", "status", "reason", "new", "changed", "unchanged", "stale", "conflicts")
    if args.json:
        docs = []
        for r in results:
            full = r.as_json()
            docs.append({**{k: full[k] for k in keys}, **{k: v for k, v in full.items() if k not in keys}})
        print_json(docs)
    else:
        for r in results:
            if r.dry_run:  # nothing happened: say what would, never «đã nhập»
                label = _("sẽ nhập") if r.status == importer.ACCEPTED else importer.STATUS_LABELS[r.status]
                print(f"{r.file}: " + _("xem trước — chưa ghi gì") + f" ({label})")
            else:
                print(f"{r.file}: {importer.STATUS_LABELS[r.status]}")
            if r.reason:
                print("  " + r.reason)
            for warning in r.warnings:  # forks after a restore: said loudly, on stderr too
                print("  " + warning)
                sys.stderr.write(warning + "\n")
            if r.rules:
                print("  " + _("Quy định của tỉnh phiên bản {v}: {text}").format(v=r.rules["version"],
                                                                              text=r.rules["text"]))
            if r.status == importer.ACCEPTED:
                print("  " + _("mới {new}, thay đổi {changed}, không đổi {unchanged}, cũ hơn {stale}, xung đột "
                               "{conflicts}").format(new=r.new, changed=r.changed, unchanged=r.unchanged,
                                                     stale=r.stale, conflicts=r.conflicts))
                for p in r.preview:
                    if p.new or p.changed or p.conflicts:
                        print(f"    {p.unit_name} — {p.institution_name}: " + _(
                            "mới {new}, thay đổi {changed}, xung đột {conflicts}").format(
                            new=p.new, changed=p.changed, conflicts=p.conflicts))
    bad = any(r.status in (importer.REJECTED, importer.QUARANTINED) for r in results)
    if bad and not args.json:
        sys.stderr.write(_("Có tệp bị từ chối hoặc đang cách ly: xem lý do ở trên.") + "\n")
    return 3 if bad else 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    store = _store(args)
    items = sync_conflicts.open_conflicts(store)
    institution_items = sync_conflicts.institution_conflicts(store)
    if args.json:
        print_json([c.as_json() for c in items] + [c.as_json() for c in institution_items])
        return 0
    if not items and not institution_items:
        print(_("Không có xung đột nào."))
    for ic in institution_items:
        print(_("{unit} — thiết chế {id} sửa đồng thời ({fields}):").format(
            unit=ic.unit_name, id=ic.institution_id, fields=", ".join(ic.fields)))
        for v in ic.versions:
            print(f"    {v['name']}  {v['village'] or ''}  {v['type']}  {v['closed_year'] or ''}  {v['unit']}  "
                  f"{v['author']}")
    refs = {i.id: i.shown_ref for i in store.institutions({c.unit for c in items})} if items else {}
    for c in items:
        ref = refs.get(c.institution_id, c.institution_id)
        print(f"{c.unit_name} — {c.institution_name} ({ref}) {c.period} {c.indicator}:")
        for r in c.siblings:
            shown = fmt_int(r.value) if r.value is not None else _("(đã xóa)")
            print(f"    {shown:>12}  {r.author_unit}  {r.author_name}  {r.reason or ''}")
    return 0


def cmd_inbox(args: argparse.Namespace) -> int:
    rows = inbox.inbox(_store(args))
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    if not rows:
        print(_("Chưa nhận gói nào."))
    for r in rows:
        print(f"{r.unit} {r.unit_name}: " + _("gói cuối số {seq}, nhận lúc {at}").format(
            seq=r.last_seq, at=fmt_local_time(r.last_imported))
              + (f" — {r.gap_text}" if r.missing else ""))
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    rows = inbox.quarantined(_store(args))
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(_("Không có tệp nào đang cách ly."))
    for r in rows:
        print(f"{r['file_name']}  {r['key_id'][:8]}  {fmt_local_time(r['received_at'])}")
    return 0
