"""Who this installation is — its unit, officer, key and mode — read in one place from the meta table.

Services (`services.installation.installation`) and sync (`sync.local.load_local`) both start from this
record, so the keys written at set-up are read, and a database not yet set up is refused, the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from lhtl_desktop.errors import NotInitialisedError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.units import Unit
from lhtl_desktop.storage.store import Store


@dataclass(frozen=True)
class Identity:
    unit: Unit
    province_code: str
    officer: str
    own_key_id: str
    report_to: str | None
    two_tier: bool


def read_identity(store: Store) -> Identity:
    """The installation's identity; NotInitialisedError (with what to do) when it has not been set up."""
    meta = store.meta()
    if "unit_code" not in meta:
        raise NotInitialisedError(
            _("Chưa thiết lập. Chạy «init --unit MÃ --officer TÊN» hoặc mở cửa sổ chương trình để thiết lập.")
        )
    unit = store.unit(meta["unit_code"])
    if unit is None:
        raise NotInitialisedError(_("Cơ sở dữ liệu không có đơn vị «{code}» của chính nó: hãy khôi phục từ bản sao "
                                    "lưu gần nhất.").format(code=meta["unit_code"]))
    return Identity(unit=unit, province_code=meta.get("province_code", ""), officer=meta.get("officer", ""),
                    own_key_id=meta.get("own_key_id", ""), report_to=meta.get("report_to") or None,
                    two_tier=meta.get("two_tier") == "1")
