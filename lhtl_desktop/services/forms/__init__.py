"""Return forms for units not (yet) on the program: the Excel form out and back in, and the paper form.

- `spec.build_form(store, unit, period)` → `FormSpec`: what a form holds (plain data, with its digest);
- `xlsx_out.render_form_xlsx(spec)` / `paper.render_form_pdf(spec)` → bytes;
- `xlsx_in.read_form_file(path)` → `ReadForm` (strict; every bad cell as sheet!cell);
- `importer.import_forms(store, paths, dry_run=…)` → one `FormResult` per file (preview, backup, one transaction);
- `export_forms(store, unit, period, out)` writes one file, or one per commune of a hub into a folder.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from lhtl_desktop.errors import RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.text import ascii_slug
from lhtl_desktop.services.forms.spec import FormSpec, build_form, form_units, require_form_unit
from lhtl_desktop.storage import Store

FORMATS = {".xlsx": "xlsx", ".pdf": "pdf"}


def form_bytes(spec: FormSpec, kind: str) -> bytes:
    if kind == "pdf":
        from lhtl_desktop.services.forms.paper import render_form_pdf

        return render_form_pdf(spec)
    from lhtl_desktop.services.forms.xlsx_out import render_form_xlsx

    return render_form_xlsx(spec)


def form_file_name(spec: FormSpec, kind: str) -> str:
    return f"bieu-{spec.unit.code}-{ascii_slug(spec.unit.short_name, empty='don-vi')}-{spec.period.key}.{kind}"


def form_choices(store: Store) -> list[tuple[str, str, bool]]:
    """What the window offers to export: (unit code, label, every commune of it). A commune: itself; a hub: all
    its communes at once, then each; the province: each hub's communes at once, then each commune."""
    from lhtl_desktop.services.installation import children_of, installation

    me = installation(store)
    if me.unit.level == Level.COMMUNE:
        return [(me.unit.code, me.unit.name, False)]
    out: list[tuple[str, str, bool]] = []
    hubs = [me.unit] if me.unit.level == Level.DISTRICT else [
        u for u in children_of(store, me.unit.code) if u.level == Level.DISTRICT]
    for hub in hubs:
        out.append((hub.code, _("Tất cả xã, phường của {hub} (mỗi xã một biểu)").format(hub=hub.name), True))
    for hub in hubs or [me.unit]:
        out += [(u.code, u.name, False) for u in form_units(store, hub.code)]
    if me.unit.level == Level.PROVINCE and not hubs:  # two-tier: communes straight under the province
        out += [(u.code, u.name, False) for u in children_of(store, me.unit.code) if u.level == Level.COMMUNE]
    return out


def export_forms_to_folder(store: Store, unit_code: str, period: str, folder: str | os.PathLike[str], kind: str,
                           every_commune: bool, date: _dt.date | None = None) -> list[Path]:
    """The window's export: one form (kind "xlsx" or "pdf") per commune of `unit_code` (every_commune), or the
    form of `unit_code`, into `folder`, named after unit and period."""
    from lhtl_desktop.services.reports import write_atomically

    parse_period(period)
    target = Path(folder)
    if not target.is_dir():
        raise RefusedError(_("Thư mục «{path}» không tồn tại.").format(path=target), field="out")
    unit = require_form_unit(store, unit_code)
    units = form_units(store, unit.code) if every_commune else [unit]
    written = []
    for u in units:
        spec = build_form(store, u.code, period, date)
        path = target / form_file_name(spec, kind)
        write_atomically(path, form_bytes(spec, kind))
        written.append(path)
    return written


def export_forms(store: Store, unit_code: str | None, period: str, out: str | os.PathLike[str],
                 date: _dt.date | None = None) -> list[Path]:
    """Write the form of one unit to `out` (.xlsx or .pdf), or — `out` a folder — one form per commune of a hub
    (a commune: its own), named after the unit and period. Returns the files written."""
    from lhtl_desktop.services.reports import write_atomically

    parse_period(period)
    target = Path(out)
    unit = require_form_unit(store, unit_code)
    if target.is_dir():
        units = form_units(store, unit.code) if unit.level != Level.COMMUNE else [unit]
        if not units:
            raise RefusedError(_("{unit} không có xã, phường trực thuộc để lập biểu.").format(unit=unit.name))
        written = []
        for u in units:
            spec = build_form(store, u.code, period, date)
            path = target / form_file_name(spec, "xlsx")
            write_atomically(path, form_bytes(spec, "xlsx"))
            written.append(path)
        return written
    kind = FORMATS.get(target.suffix.lower())
    if kind is None:
        raise ValidationError(_("Tệp biểu «{name}» phải có đuôi .xlsx (biểu Excel) hoặc .pdf (biểu giấy), hoặc là "
                                "một thư mục.").format(name=target.name), field="out")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise RefusedError(_("Thư mục «{path}» không tồn tại.").format(path=parent), field="out")
    spec = build_form(store, unit.code, period, date)
    write_atomically(target, form_bytes(spec, kind))
    return [target]
