"""import_units: kode, nama, induk_kode. A parent may come later in the same file; a cycle is
an error."""

from django.utils.translation import gettext as _

from employees.models import ImportRun, OrgUnit, code_validator
from employees.services import unit_upsert

from . import cells
from .engine import Counts, Options, register
from .rows import MISSING, RowChecker


def _unit_code(value) -> str:
    code = cells.text(value, max_length=30)
    try:
        code_validator(code)
    except Exception:
        raise cells.CellError(
            _("Kode %(value)s tidak valid.") % {"value": code},
            _("Gunakan huruf, angka, titik, tanda hubung atau garis bawah saja."),
        ) from None
    return code


class UnitImporter:
    kind = ImportRun.Kind.UNITS
    needs_year = False

    def columns(self):
        return {"kode", "nama"}, {"induk_kode"}

    def check(self, table, options: Options, progress):
        plan: dict[str, dict] = {}
        seen: dict[str, int] = {}
        rows = 0
        for row in table.rows:
            rows += 1
            check = RowChecker(table, row)
            code = check.get("kode", _unit_code)
            name = check.get("nama", lambda v: cells.text(v, max_length=200))
            parent = check.get("induk_kode", _unit_code, required=False, default="")
            if code is MISSING or name is MISSING or parent is MISSING:
                continue
            if not name:
                check.error("nama", _("Nama unit kosong."), _("Isi nama unit."))
            if not check.first_time("kode", code, seen, _("Setiap unit cukup satu baris.")):
                continue
            if parent == code:
                check.error("induk_kode", _("Unit tidak boleh menjadi induk dirinya sendiri."))
            plan[code] = {"row": row.number, "name": name, "parent": parent or None, "check": check}

        existing = dict(OrgUnit.objects.values_list("code", "parent__code"))
        parent_of = {**existing, **{code: item["parent"] for code, item in plan.items()}}
        for code, item in plan.items():
            parent = item["parent"]
            if parent and parent not in parent_of:
                item["check"].error(
                    "induk_kode",
                    _("Unit induk %(code)s tidak ada di file maupun di data.") % {"code": parent},
                    _("Tambahkan baris unit induk itu, atau perbaiki kodenya."),
                )
                continue
            chain, current = [code], parent
            while current is not None:
                if current == code:
                    item["check"].error(
                        "induk_kode",
                        _("Susunan induk membentuk lingkaran: %(cycle)s.")
                        % {"cycle": " → ".join([*chain, code])},
                        _("Perbaiki induk_kode salah satu unit di lingkaran itu."),
                    )
                    break
                if current in chain:
                    break  # a cycle elsewhere, reported at its own rows
                chain.append(current)
                current = parent_of.get(current)
        return rows, plan

    def apply(self, plan, options: Options) -> Counts:
        counts = Counts()
        units = {u.code: u for u in OrgUnit.objects.select_related("parent")}
        done: set[str] = set()

        def write(code):
            if code in done:
                return
            item = plan[code]
            if item["parent"] in plan:
                write(item["parent"])  # parents first, even when they come later in the file
            # Fresh from the database: moving an ancestor earlier in this import rewrote its path.
            parent = OrgUnit.objects.get(code=item["parent"]) if item["parent"] else None
            current = units.get(code)
            if current is None:
                counts.created += 1
            elif current.name == item["name"] and current.parent_id == (parent.pk if parent else None):
                counts.unchanged += 1
                done.add(code)
                return
            else:
                counts.updated += 1
            units[code] = unit_upsert(code=code, name=item["name"], parent=parent)
            done.add(code)

        for code in plan:
            write(code)
        return counts


register(UnitImporter())
