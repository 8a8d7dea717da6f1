"""import_employees: nip, nama, email, unit_kode, jabatan_kode, pimpinan (and, as an extension
of the contract, an optional status column: PNS or PPPK, so a PPPK number is checked as one)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from employees.models import Employee, EmployeeType, ImportRun, OrgUnit, Position
from employees.nip import validate_nip

from . import cells
from .engine import Counts, Options, register
from .rows import MISSING, RowChecker

BATCH = 2000
FIELDS = ("name", "email", "unit_id", "position_id", "employee_type", "is_active")


def _status(value) -> str:
    raw = cells.text(value).lower()
    if raw not in EmployeeType.values:
        raise cells.CellError(
            _("Status %(value)s tidak dikenal.") % {"value": value}, _("Isi PNS atau PPPK.")
        )
    return raw


def _email(value) -> str:
    raw = cells.text(value, max_length=254)
    try:
        validate_email(raw)
    except ValidationError:
        raise cells.CellError(
            _("Alamat e-mail %(value)s tidak valid.") % {"value": raw},
            _("Tulis seperti nama@instansi.go.id, atau kosongkan."),
        ) from None
    return raw


class EmployeeImporter:
    kind = ImportRun.Kind.EMPLOYEES
    needs_year = False

    def columns(self):
        return {"nip", "nama", "unit_kode", "jabatan_kode"}, {"email", "pimpinan", "status"}

    def check(self, table, options: Options, progress):
        units = dict(OrgUnit.objects.values_list("code", "pk"))
        positions = dict(Position.objects.values_list("code", "pk"))
        known_types = dict(Employee.objects.values_list("nip", "employee_type"))
        plan, seen, leaders = [], {}, {}
        rows = 0
        for row in table.rows:
            rows += 1
            check = RowChecker(table, row)
            nip = check.get("nip", cells.nip)
            name = check.get("nama", lambda v: cells.text(v, max_length=200))
            email = check.get("email", _email, required=False, default="")
            status = check.get("status", _status, required=False, default=None)
            unit_code = check.get("unit_kode", cells.text)
            position_code = check.get("jabatan_kode", cells.text)
            leads = check.get("pimpinan", cells.yes_no, required=False, default=False)
            if nip is not MISSING:
                check.first_time("nip", nip, seen, _("Setiap pegawai cukup satu baris."))
                employee_type = status or known_types.get(nip, EmployeeType.PNS)
                try:
                    validate_nip(nip, employee_type)
                except ValidationError as exc:
                    hint = (
                        _("Jika pegawai PPPK, isi kolom status dengan PPPK.")
                        if employee_type == "pns"
                        else ""
                    )
                    for message in exc.messages:
                        check.error("nip", message, hint)
            if name is not MISSING and not name:
                check.error("nama", _("Nama kosong."), _("Isi nama lengkap pegawai."))
            if unit_code is not MISSING and unit_code not in units:
                check.error(
                    "unit_kode",
                    _("Unit %(code)s tidak ada.") % {"code": unit_code},
                    _("Impor unit kerja lebih dulu, atau perbaiki kodenya."),
                )
            if position_code is not MISSING and position_code not in positions:
                check.error(
                    "jabatan_kode",
                    _("Jabatan %(code)s tidak ada.") % {"code": position_code},
                    _("Impor jabatan lebih dulu, atau perbaiki kodenya."),
                )
            if leads is True and unit_code in units:
                if unit_code in leaders:
                    check.error(
                        "pimpinan",
                        _("Unit %(code)s sudah punya pimpinan di baris %(row)s.")
                        % {"code": unit_code, "row": leaders[unit_code]},
                        _("Satu unit hanya punya satu pimpinan."),
                    )
                leaders.setdefault(unit_code, row.number)
            if check.ok:
                plan.append(
                    {
                        "nip": nip,
                        "name": name,
                        "email": email,
                        "unit_id": units[unit_code],
                        "position_id": positions[position_code],
                        "employee_type": employee_type,
                        "is_active": True,
                        "leads": leads,
                    }
                )
            if rows % 5000 == 0:
                progress(min(80, rows // 1000), "")
        return rows, plan

    def apply(self, plan, options: Options) -> Counts:
        counts = Counts()
        existing = {e.nip: e for e in Employee.objects.filter(nip__in=[p["nip"] for p in plan])}
        new, changed = [], []
        for item in plan:
            employee = existing.get(item["nip"])
            values = {f: item[f] for f in FIELDS}
            if employee is None:
                new.append(Employee(nip=item["nip"], **values))
            elif any(getattr(employee, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(employee, f, v)
                changed.append(employee)
            else:
                counts.unchanged += 1
        Employee.objects.bulk_create(new, batch_size=BATCH)
        Employee.objects.bulk_update(changed, FIELDS, batch_size=BATCH)
        counts.created, counts.updated = len(new), len(changed)
        self._ensure_logins([p["nip"] for p in plan])
        by_nip = dict(
            Employee.objects.filter(nip__in=[p["nip"] for p in plan if p["leads"]]).values_list("nip", "pk")
        )
        for item in plan:
            if item["leads"]:
                OrgUnit.objects.filter(pk=item["unit_id"]).update(leader_id=by_nip[item["nip"]])
        # A leader who moved to another unit no longer leads the old one (nor sees its people).
        OrgUnit.objects.filter(leader__nip__in=[p["nip"] for p in plan]).exclude(leader__unit=F("pk")).update(
            leader=None
        )
        return counts

    @staticmethod
    def _ensure_logins(nips: list[str]) -> None:
        """Every employee gets a login named by their NIP, without a password: they set one
        through 'Lupa kata sandi?' (their e-mail must be on file)."""
        user_model = get_user_model()
        EmployeeImporter._sync_login_emails(nips)
        employees = list(Employee.objects.filter(nip__in=nips, user__isnull=True))
        if not employees:
            return
        taken = set(
            user_model.objects.filter(username__in=[e.nip for e in employees]).values_list(
                "username", flat=True
            )
        )
        fresh = []
        for employee in employees:
            if employee.nip in taken:
                continue
            user = user_model(username=employee.nip, first_name=employee.name[:150], email=employee.email)
            user.set_unusable_password()
            fresh.append(user)
        user_model.objects.bulk_create(fresh, batch_size=BATCH)
        users = dict(
            user_model.objects.filter(username__in=[e.nip for e in employees]).values_list("username", "pk")
        )
        for employee in employees:
            employee.user_id = users[employee.nip]
        Employee.objects.bulk_update(employees, ["user_id"], batch_size=BATCH)

    @staticmethod
    def _sync_login_emails(nips: list[str]) -> None:
        """The reset link goes to the login's e-mail: keep it the one HR has on file."""
        email_on_file = Employee.objects.filter(user=OuterRef("pk")).values("email")[:1]
        get_user_model().objects.filter(employee__nip__in=nips).exclude(email=F("employee__email")).update(
            email=Subquery(email_on_file)
        )


register(EmployeeImporter())
