"""What the dashboard shows beside `evaluate`: scopes to choose, yearly sums for the growth charts, and the
names behind a target's lists. The numbers of a target always come from `evaluation.evaluate` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import type_label
from lhtl_desktop.model.targets import TargetKind
from lhtl_desktop.model.units import Unit
from lhtl_desktop.services.installation import installation, require_unit, subtree
from lhtl_desktop.storage import Store

if TYPE_CHECKING:
    # The window builds its dashboard (scope_choices) before its first frame and evaluates after it: the
    # evaluation module is imported where it is used, not here, so the window's cold start does not load it.
    from lhtl_desktop.services.evaluation import Evaluation


@dataclass(frozen=True)
class InstitutionLine:
    id: str
    name: str
    type_label: str
    unit_name: str
    source: str = ""  # «biểu Excel, chưa ký» when its values of the year came from an Excel form


def scope_choices(store: Store) -> list[Unit]:
    """This installation's unit and every unit below it (parents before children)."""
    me = installation(store)
    units = store.units()
    return [units[c] for c in subtree(store, me.unit.code) if c in units]


def unit_names(store: Store) -> dict[str, str]:
    return {code: u.name for code, u in store.units().items()}


def growth_targets(store: Store) -> list[str]:
    return [t.code for t in store.target_definitions() if t.kind == TargetKind.GROWTH]


def yearly_sums(store: Store, target_code: str, scope: str, years: list[int]) -> dict[int, int | None]:
    """Scope's sum of a growth target's indicator per year (None: nobody reported), as the target maths sums:
    institutions of the target's types active in that year. One query for all years."""
    from lhtl_desktop.services.evaluation import values_by_year

    target = next(t for t in store.target_definitions() if t.code == target_code)
    scope_unit = require_unit(store, scope)
    units = subtree(store, scope_unit.code)
    insts = [i for i in store.institutions(units) if i.type in target.types]
    data, _provisional = values_by_year(store.records_for(units, [str(y) for y in years], [target.indicator or ""]))
    out: dict[int, int | None] = {}
    for y in years:
        total = 0
        reported = False
        for inst in insts:
            if not inst.facts().active_in(y):
                continue
            value = data.get(y, {}).get(inst.id, {}).get(target.indicator or "")
            if value is not None:
                total += value
                reported = True
        out[y] = total if reported else None
    return out


def with_form_sources(store: Store, evaluation: Evaluation) -> Evaluation:
    """The evaluation with the institutions whose year-Y values came from an unsigned Excel form (read with it,
    on the same connection, so the lists can say so without another read)."""
    from dataclasses import replace

    from lhtl_desktop.services.forms.provenance import FORM_SOURCE
    from lhtl_desktop.storage.forms_store import institutions_with_reason_prefix

    units = sorted({i.unit_code for i in evaluation.institutions.values()})
    ids = institutions_with_reason_prefix(store, units, str(evaluation.year), FORM_SOURCE)
    return replace(evaluation, form_sourced=frozenset(ids))


def institution_lines(store: Store, evaluation: Evaluation, ids: tuple[str, ...] | list[str]) -> list[InstitutionLine]:
    """Names of the institutions behind a result's lists, sorted by unit then name."""
    from lhtl_desktop.services.forms.provenance import FORM_SOURCE

    units = store.units()
    lines = []
    wanted = [evaluation.institutions[i] for i in ids if i in evaluation.institutions]
    from_forms = evaluation.form_sourced
    for inst in wanted:
        unit = units.get(inst.unit_code)
        lines.append(InstitutionLine(inst.id, inst.name, type_label(inst.type), unit.name if unit else inst.unit_code,
                                     _(FORM_SOURCE) if inst.id in from_forms else ""))
    return sorted(lines, key=lambda line: (line.unit_name, line.name))
