"""Foundation commands: init, units, institution add|list|edit|close, set, get, evaluate, settings."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from lhtl_desktop.cli import add_command, add_json_option, print_json
from lhtl_desktop.errors import LhtlError, NotInitialisedError, ValidationError
from lhtl_desktop.i18n import _, fmt_int, fmt_percent
from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE, TYPES_BY_CODE
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.targets import TargetResult
from lhtl_desktop.services import (
    entry,
    evaluation,
    installation,
    institutions,
    reporting,
    value_history,
)
from lhtl_desktop.storage import Store, default_db_path, open_store
from lhtl_desktop.storage.db import require_database_file
from lhtl_desktop.storage.opened import remember_opened
from lhtl_desktop.sync.keys import generate_key


def db_path_from(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def store_from(args: argparse.Namespace, *, create: bool = False) -> Store:
    """Open the database. Only `init` creates one: a mistyped --db path must not leave an empty file."""
    path = db_path_from(args)
    require_database_file(path)  # a link to nothing, a folder, a pipe: said as such, not «chưa có»
    if not create and not path.exists():
        raise NotInitialisedError(
            _("Chưa có cơ sở dữ liệu «{path}». Chạy «init --unit MÃ --officer TÊN» để thiết lập.").format(path=path)
        )
    return remember_opened(open_store(path))


def _remove_database(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)


_command = add_command  # one way a command is made: help, --db, handler


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = _command(sub, "init", _("thiết lập cơ sở dữ liệu cho một xã (5 chữ số), cụm (3) hoặc tỉnh (2)"), cmd_init)
    p.add_argument("--unit", required=True, metavar=_("MÃ"), help=_("mã đơn vị, ví dụ 14389 (Xã Gia Lâm)"))
    p.add_argument("--officer", required=True, metavar=_("TÊN"), help=_("họ tên cán bộ phụ trách"))
    p.add_argument("--report-to", metavar=_("MÃ"), help=_("đơn vị nhận báo cáo, nếu khác cụm mặc định"))
    p.add_argument("--passphrase-env", metavar=_("BIẾN"), help=_("tên biến môi trường chứa mật khẩu bảo vệ khóa"))
    add_json_option(p)

    p = _command(sub, "units", _("liệt kê đơn vị hành chính và cụm tổng hợp"), cmd_units)
    p.add_argument("--parent", metavar=_("MÃ"), help=_("chỉ các đơn vị trực thuộc mã này"))
    add_json_option(p)

    inst = sub.add_parser("institution", help=_("thêm, sửa, đóng, liệt kê thiết chế"))
    isub = inst.add_subparsers(dest="institution_command", metavar=_("VIỆC"), required=True,
                               parser_class=type(inst))
    p = _command(isub, "add", _("thêm một thiết chế; in mã (id) của thiết chế mới"), cmd_institution_add)
    p.add_argument("--unit", required=True, metavar=_("MÃ"), help=_("mã đơn vị có thiết chế"))
    p.add_argument("--type", required=True, metavar=_("LOẠI"), help=", ".join(TYPES_BY_CODE))
    p.add_argument("--name", required=True, metavar=_("TÊN"), help=_("tên thiết chế"))
    p.add_argument("--village", metavar=_("THÔN"), help=_("tên thôn, tổ dân phố (nhà văn hóa thôn)"))
    p.add_argument("--opened", type=int, metavar=_("NĂM"), help=_("năm bắt đầu hoạt động"))
    add_json_option(p)
    p = _command(isub, "list", _("liệt kê thiết chế trong phạm vi"), cmd_institution_list)
    p.add_argument("--unit", metavar=_("MÃ"), help=_("chỉ đơn vị này (và đơn vị trực thuộc)"))
    add_json_option(p)
    p = _command(isub, "edit", _("sửa tên, thôn hoặc loại của thiết chế"), cmd_institution_edit)
    p.add_argument("id", metavar="ID", help=_("mã ngắn (ví dụ 14389-3) hoặc mã đầy đủ của thiết chế"))
    p.add_argument("--name", metavar=_("TÊN"), help=_("tên mới"))
    p.add_argument("--village", metavar=_("THÔN"), help=_("tên thôn, tổ dân phố mới"))
    p.add_argument("--type", metavar=_("LOẠI"), help=_("loại mới: ") + ", ".join(TYPES_BY_CODE))
    p = _command(isub, "close", _("ghi nhận thiết chế ngừng hoạt động từ một năm"), cmd_institution_close)
    p.add_argument("id", metavar="ID", help=_("mã ngắn (ví dụ 14389-3) hoặc mã đầy đủ của thiết chế"))
    p.add_argument("--year", required=True, type=int, metavar=_("NĂM"),
                   help=_("năm ngừng hoạt động: từ năm đó thiết chế không còn được tính"))

    p = _command(sub, "set", _("nhập giá trị chỉ số cho một thiết chế và kỳ (MÃ=GIÁ_TRỊ …); «MÃ=» xóa giá trị"),
                 cmd_set)
    p.add_argument("--institution", required=True, metavar="ID", help=_("mã ngắn (ví dụ 14389-3) hoặc mã đầy đủ"))
    p.add_argument("--period", required=True, metavar=_("KỲ"), help=_("năm (2025) hoặc 6 tháng (2025-H1)"))
    p.add_argument("--why", metavar=_("LÝ_DO"), help=_("lý do, bắt buộc khi cấp trên điều chỉnh số liệu"))
    p.add_argument("--clear", action="append", default=[], metavar=_("MÃ"),
                   help=_("xóa giá trị của chỉ số này (lặp lại được), như để trống ô trong cửa sổ"))
    p.add_argument("values", nargs="*", metavar=_("MÃ=GIÁ_TRỊ"),
                   help=_("mã chỉ số: {codes} (tên, đơn vị, quy tắc: «indicators --type LOẠI»)").format(
                       codes=", ".join(INDICATORS_BY_CODE)))

    p = _command(sub, "get", _("xem giá trị đã nhập của một thiết chế và kỳ"), cmd_get)
    p.add_argument("--institution", required=True, metavar="ID", help=_("mã ngắn (ví dụ 14389-3) hoặc mã đầy đủ của thiết chế"))
    p.add_argument("--period", required=True, metavar=_("KỲ"), help=_("năm (2025) hoặc 6 tháng (2025-H1)"))
    add_json_option(p)

    p = _command(sub, "evaluate", _("đánh giá các chỉ tiêu cho một năm và phạm vi"), cmd_evaluate)
    p.add_argument("--period", required=True, metavar=_("NĂM"), help=_("năm đánh giá, ví dụ 2025"))
    p.add_argument("--scope", metavar=_("MÃ"), help=_("mã đơn vị (mặc định: đơn vị của cơ sở dữ liệu)"))
    add_json_option(p)

    p = _command(sub, "settings", _("xem hoặc đổi cài đặt: cán bộ, cụm của xã, chế độ hai cấp, ngưỡng chỉ tiêu"),
                 cmd_settings)
    p.add_argument("--officer", metavar=_("TÊN"), help=_("đổi họ tên cán bộ phụ trách"))
    p.add_argument("--hub", nargs=2, metavar=(_("XÃ"), _("CỤM")), help=_("gán xã vào cụm tổng hợp"))
    p.add_argument("--two-tier", choices=["on", "off"], help=_("xã báo cáo thẳng lên tỉnh"))
    p.add_argument("--threshold", nargs=3, metavar=(_("CHỈ_TIÊU"), _("NĂM"), _("NGƯỠNG")),
                   help=_("đổi ngưỡng mốc của một chỉ tiêu (%%), ví dụ LIB_COMM_LLL 2030 65"))
    add_formalities_options(p)
    p.add_argument("--deadline", nargs=2, metavar=(_("KỲ"), _("NGÀY/THÁNG")),
                   help=_("hạn nộp báo cáo (tỉnh): year 15/12 cho báo cáo năm, half 14/06 cho báo cáo 6 tháng"))
    add_json_option(p)


# -- `settings`: the sheets' NĐ 30 formalities (services/reports/formalities.py) ----------------------------
FORMALITY_OPTIONS = (
    ("--report-issuer", "issuer", _("cơ quan chủ quản và cơ quan ban hành, mỗi dòng cách nhau bởi «|»")),
    ("--report-abbreviation", "abbreviation", _("chữ viết tắt sau «BC-», ví dụ UBND")),
    ("--report-number", "number", _("số văn bản in trên biểu")),
    ("--report-recipients", "recipients", _("nơi nhận, mỗi nơi cách nhau bởi «|»")),
    ("--report-place", "place", _("địa danh trước ngày tháng, ví dụ Gia Lâm")),
    ("--signer-title", "signer_title", _("chức vụ người ký, các dòng cách nhau bởi «|», ví dụ "
                                         "\"TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH\"")),
    ("--signer-name", "signer_name", _("họ tên người ký")),
)
MULTILINE = {"issuer", "recipients", "signer_title"}


def add_formalities_options(p: argparse.ArgumentParser) -> None:
    for flag, name, text in FORMALITY_OPTIONS:
        blank = _("; \"\" = để trống, viết tay") if name in ("number", "signer_name") else _("; \"\" = mặc định")
        p.add_argument(flag, dest=f"paper_{name}", metavar=_("VĂN_BẢN"), help=text + blank)


def apply_formalities_options(store: Store, args: argparse.Namespace) -> list[str]:
    """Write the sheet's formalities given on the command line (all checked first); the options' names."""
    from lhtl_desktop.services.reports import formalities as paper

    changes: dict[str, Any] = {}
    flags: list[str] = []
    for flag, name, _text in FORMALITY_OPTIONS:
        value = getattr(args, f"paper_{name}", None)
        if value is not None:
            changes[name] = paper.split_lines(value) if name in MULTILINE else value
            flags.append(flag)
    if changes:
        paper.set_formalities(store, **changes)
    return flags


def cmd_init(args: argparse.Namespace) -> int:
    passphrase = None
    if args.passphrase_env:
        passphrase = os.environ.get(args.passphrase_env)
        if passphrase is None:
            raise ValidationError(_("Biến môi trường «{var}» chưa được đặt.").format(var=args.passphrase_env))
    path = db_path_from(args)
    existed = path.exists()
    store = store_from(args, create=True)
    try:
        installation.refuse_if_initialised(store)  # before the (slow, passphrase-derived) key is made
        key = generate_key(passphrase)
        me = installation.init_installation(store, args.unit, args.officer, key, args.report_to)
    except LhtlError:
        if not existed:  # a refused init leaves nothing behind, not even an empty database file
            store.close()
            _remove_database(path)
        raise
    # Closed here, not left to the garbage collector: the database file is complete (checkpointed) when init
    # returns, and a later command in the same process never finds it changing under it.
    try:
        parent = installation.parent_of(store, me.unit.code)
        if args.json:
            print_json({"unit": me.unit.code, "name": me.unit.name, "level": me.level, "parent": parent,
                        "officer": me.officer, "key_id": key.key_id, "fingerprint": key.fingerprint,
                        "db": str(store.path)})
            return 0
        print(_("Đã thiết lập cho {name} ({code}), cán bộ: {officer}.").format(
            name=me.unit.name, code=me.unit.code, officer=me.officer))
        if parent:
            parent_unit = store.unit(parent)
            print(_("Báo cáo lên: {name} ({code}).").format(name=parent_unit.name if parent_unit else parent, code=parent))
        print(_("Dấu vân tay khóa: {fp}").format(fp=key.fingerprint))
        print(_("Cơ sở dữ liệu: {path}").format(path=store.path))
    finally:
        store.close()
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    store = store_from(args)
    installation.installation(store)
    if args.parent:
        parent = installation.require_unit(store, args.parent).code
        units = installation.children_of(store, parent)
    else:
        units = list(store.units().values())
    rows = [{"code": u.code, "name": u.name, "level": u.level, "parent": installation.parent_of(store, u.code)}
            for u in units]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['code']:>5}  {r['name']:<40}  {r['level']:<8}  {r['parent'] or ''}")
    return 0


def cmd_institution_add(args: argparse.Namespace) -> int:
    store = store_from(args)
    inst = institutions.add_institution(store, args.unit, args.type, args.name, args.village, args.opened)
    if args.json:
        print_json({"id": inst.id, "ref": inst.ref, "unit": inst.unit_code, "type": inst.type, "name": inst.name})
        return 0
    print(inst.id)  # the contract (ARCHITECTURE.md §5): scripts read the new id from this one line
    return 0


def cmd_institution_list(args: argparse.Namespace) -> int:
    store = store_from(args)
    rows = [{"id": i.id, "ref": i.ref, "unit": i.unit_code, "type": i.type, "name": i.name, "village": i.village,
             "active": i.active} for i in institutions.list_institutions(store, args.unit)]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            status = _("đang hoạt động") if r["active"] else _("đã đóng")
            print(f"{r['ref'] or str(r['id'])[:8]:<12}  {r['unit']}  {r['type']:<16}  {r['name']}  {r['village'] or ''}  ({status})"
                  f"  {r['id']}")
    return 0


def cmd_institution_edit(args: argparse.Namespace) -> int:
    store = store_from(args)
    inst = institutions.edit_institution(store, args.id, name=args.name, village=args.village, type_code=args.type)
    print(_("Đã sửa «{name}» ({ref}).").format(name=inst.name, ref=inst.shown_ref))
    return 0


def cmd_institution_close(args: argparse.Namespace) -> int:
    store = store_from(args)
    inst = institutions.close_institution(store, args.id, args.year)
    print(_("«{name}» ({ref}) ngừng hoạt động từ năm {year}.").format(name=inst.name, ref=inst.shown_ref,
                                                                     year=inst.closed_year))
    return 0


def parse_assignments(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code.strip():
            raise ValidationError(_("«{item}» không đúng dạng MÃ=GIÁ_TRỊ.").format(item=item))
        key = code.strip().upper()
        if key in out:
            raise ValidationError(_("Chỉ số «{code}» được nhập hai lần.").format(code=key))
        out[key] = value
    return out


def cmd_set(args: argparse.Namespace) -> int:
    store = store_from(args)
    assigned = parse_assignments(args.values)
    clear = [code for code, value in assigned.items() if value.strip() == ""] + list(args.clear)
    values = {code: value for code, value in assigned.items() if value.strip() != ""}
    result, cleared = entry.save_entry(store, args.institution, args.period, values, clear, args.why)
    inst = institutions.require_institution(store, args.institution)
    done = [_("{code} = {value}").format(code=code, value=fmt_int(value)) for code, value in result.saved.items()]
    done += [_("đã xóa {code}").format(code=code) for code in cleared]
    if result.unchanged:
        done.append(_("không đổi {codes}").format(codes=", ".join(result.unchanged)))
    empty = [code.strip().upper() for code in clear if code.strip().upper() not in cleared]
    if empty:
        done.append(_("chưa có giá trị để xóa: {codes}").format(codes=", ".join(empty)))
    verb = _("Đã lưu") if result.saved or cleared else _("Không có gì thay đổi ở")
    print(_("{verb} «{name}» ({ref}), kỳ {period}: {done}.").format(
        verb=verb, name=inst.name, ref=inst.shown_ref, period=args.period.strip(), done="; ".join(done)))
    for w in result.warnings:
        sys.stderr.write(_("Cảnh báo: {msg}").format(msg=w.message) + "\n")
    return 0


def cmd_get(args: argparse.Namespace) -> int:
    store = store_from(args)
    values = entry.get_values(store, args.institution, args.period)
    owner = institutions.require_institution(store, args.institution).unit_code
    data: dict[str, object] = {}
    for code, cv in values.items():
        correction = value_history.correction_of(store, owner, cv)
        if cv.conflict:
            data[code] = {
                "value": cv.value,
                "conflict": True,
                "values": [{"value": r.value, "unit": r.author_unit, "author": r.author_name or r.author_key,
                            "reason": r.reason, "created": r.created_at} for r in cv.siblings],
            }
        elif correction is not None:  # corrected from above: who, when, from what, why
            data[code] = {"value": cv.value, "conflict": False, "corrected": correction.as_json()}
        else:
            data[code] = cv.value
    if args.json:
        print_json(data)
    else:
        for code, cv in values.items():
            mark = " ⚠ " + _("xung đột") if cv.conflict else ""
            fix = value_history.correction_of(store, owner, cv)
            if fix is not None:
                mark += " " + _("(điều chỉnh bởi {unit}, {author}: {why})").format(
                    unit=fix.by_unit, author=fix.author, why=fix.reason or "")
            shown = fmt_int(cv.value) if cv.value is not None else "—"
            print(f"{code:<26} {shown}{mark}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    store = store_from(args)
    ev = evaluation.evaluate(store, args.period, args.scope)
    if args.json:
        print_json([evaluation.result_as_json(r, ev.config_version) for r in ev.results])
        return 0
    print(_("Đánh giá {period} — {scope} ({code})").format(
        period=parse_period(ev.period or str(ev.year)).label().lower(), scope=ev.scope_name, code=ev.scope))
    print(_("Quy định của tỉnh: {label}").format(label=ev.config_label))
    if ev.coverage is not None:
        print(ev.coverage.text())
    for r in ev.results:
        print(evaluation_line(r))
    return 0


def evaluation_line(r: TargetResult) -> str:
    """One target in words: name, status word, value against threshold, the count behind it (vi-VN numbers)."""
    num = fmt_int(int(r.numerator)) if r.numerator is not None else "—"
    den = fmt_int(int(r.denominator)) if r.denominator is not None else "—"
    if r.kind == "growth":
        basis = _("năm nay {num}, năm trước {den}").format(num=num, den=den)
    else:
        basis = _("{num}/{den} thiết chế đạt").format(num=num, den=den)
    threshold = fmt_percent(r.threshold, 0 if r.threshold is None or r.threshold == int(r.threshold) else 1)
    if r.value is None and not r.denominator:  # nothing to count: the status word and the threshold say it all
        line = _("{label}: {status} (ngưỡng {threshold})").format(
            label=r.label, status=r.status.label, threshold=threshold)
    else:
        line = _("{label}: {status} — {value} (ngưỡng {threshold}; {basis})").format(
            label=r.label, status=r.status.label, value=fmt_percent(r.value), threshold=threshold, basis=basis)
    if r.missing:
        line += _(", thiếu số liệu {n} thiết chế").format(n=fmt_int(len(r.missing)))
    return line + "."


def cmd_settings(args: argparse.Namespace) -> int:
    from lhtl_desktop.cli import settings_view

    store = store_from(args)
    formalities_changed = apply_formalities_options(store, args)  # validated and written as one
    done = settings_view.apply_changes(store, args)  # all or nothing: one refused change writes none
    if formalities_changed:
        done.insert(0, _("Đã lưu thể thức văn bản của biểu: {names}.").format(names=", ".join(formalities_changed)))
    if args.deadline:  # a new version of the province's rules: it travels down in the next bundles
        reporting.set_deadline(store, args.deadline[0], args.deadline[1])
        day, month = reporting.deadline_day_month(store, args.deadline[0])
        done.append(_("Đã đặt hạn nộp báo cáo ({kind}): {day:02d}/{month:02d}.").format(
            kind=_("năm") if args.deadline[0] == "year" else _("6 tháng"), day=day, month=month))
    if args.json:
        print_json(settings_view.settings_document(store))
    elif done:
        for line in done:
            print(line)
    else:
        settings_view.print_settings(store)
    return 0
