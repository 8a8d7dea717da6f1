"""The assessments app's imports: positions with their standard levels, assessment
institutions, and the year-end assessment results (the big one: COPY + INSERT … ON CONFLICT on
PostgreSQL, bulk_create(update_conflicts=True) elsewhere)."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.importing import cells
from employees.importing.engine import Counts, Options, register
from employees.importing.rows import MISSING, RowChecker
from employees.models import Employee, ImportRun, Jenis, Jenjang, Position
from employees.services import position_upsert

from .models import (
    ALL_YEARS,
    AssessmentResult,
    AssessmentResultChange,
    Competency,
    Institution,
    PositionStandard,
)
from .selectors import default_levels
from .signals import results_changed
from .signals import standards_changed as standards_changed_signal

BATCH = 5000


def _choice(choices, label):
    def parse(value):
        raw = cells.text(value).lower().replace(" ", "_")
        if raw not in choices:
            raise cells.CellError(
                _("%(label)s %(value)s tidak dikenal.") % {"label": label, "value": value},
                _("Isi salah satu: %(choices)s.") % {"choices": ", ".join(choices)},
            )
        return raw

    return parse


class PositionImporter:
    kind = ImportRun.Kind.POSITIONS
    needs_year = False

    def columns(self):
        return {"kode", "nama", "jenis"}, {"jenjang", *Competency.objects.values_list("code", flat=True)}

    def check(self, table, options: Options, progress):
        competencies = dict(Competency.objects.values_list("code", "pk"))
        defaults = default_levels()
        present = [code for code in competencies if code in table.columns]
        plan, seen, rows = [], {}, 0
        for row in table.rows:
            rows += 1
            check = RowChecker(table, row)
            code = check.get("kode", lambda v: cells.text(v, max_length=30))
            name = check.get("nama", lambda v: cells.text(v, max_length=200))
            jenis = check.get("jenis", _choice(Jenis.values, _("Jenis")))
            jenjang = check.get("jenjang", _choice(Jenjang.values, _("Jenjang")), required=False, default="")
            if code is not MISSING:
                check.first_time("kode", code, seen, _("Setiap jabatan cukup satu baris."))
            if jenis is not MISSING and jenjang is not MISSING:
                if jenis == Jenis.FUNGSIONAL and not jenjang:
                    check.error(
                        "jenjang",
                        _("Jabatan fungsional wajib punya jenjang."),
                        _("Isi salah satu: %(choices)s.") % {"choices": ", ".join(Jenjang.values)},
                    )
                elif jenis != Jenis.FUNGSIONAL and jenjang:
                    check.error(
                        "jenjang", _("Jenjang hanya diisi untuk jabatan fungsional."), _("Kosongkan sel ini.")
                    )
            levels = {}
            for competency in present:
                level = check.get(competency, cells.level, required=False)
                if level is None and check.ok:
                    level = defaults.get((jenis, jenjang))
                    if level is None:
                        check.error(
                            competency,
                            _("Level kosong dan tidak ada standar default untuk jenis/jenjang ini."),
                            _("Isi level 1 sampai 5."),
                        )
                levels[competency] = level
            if check.ok:
                plan.append(
                    {"code": code, "name": name, "jenis": jenis, "jenjang": jenjang, "levels": levels}
                )
        return rows, {"positions": plan, "competencies": competencies}

    def apply(self, plan, options: Options) -> Counts:
        counts = Counts()
        from_year = options.from_year if options.from_year is not None else ALL_YEARS
        competencies = plan["competencies"]
        positions = {p.code: p for p in Position.objects.all()}
        standards = {
            (s.position_id, s.competency_id): s for s in PositionStandard.objects.filter(from_year=from_year)
        }
        changed = grade_changed = False
        for item in plan["positions"]:
            position = positions.get(item["code"])
            same_position = position is not None and (position.name, position.jenis, position.jenjang) == (
                item["name"],
                item["jenis"],
                item["jenjang"],
            )
            if position is not None and (position.jenis, position.jenjang) != (
                item["jenis"],
                item["jenjang"],
            ):
                grade_changed = True  # its default standards change, for every year
            if not same_position:
                position = position_upsert(
                    code=item["code"], name=item["name"], jenis=item["jenis"], jenjang=item["jenjang"]
                )
            standards_changed = False
            for code, level in item["levels"].items():
                current = standards.get((position.pk, competencies[code]))
                if current is None:
                    PositionStandard.objects.create(
                        position=position, competency_id=competencies[code], from_year=from_year, level=level
                    )
                    standards_changed = True
                elif current.level != level:
                    current.level = level
                    current.save(update_fields=["level"])
                    standards_changed = True
            changed = changed or standards_changed
            if item["code"] not in positions:
                counts.created += 1
            elif same_position and not standards_changed:
                counts.unchanged += 1
            else:
                counts.updated += 1
        if changed or grade_changed:
            first_year = ALL_YEARS if grade_changed else from_year
            transaction.on_commit(
                lambda: standards_changed_signal.send(sender=PositionStandard, from_year=first_year)
            )
        return counts


class InstitutionImporter:
    kind = ImportRun.Kind.INSTITUTIONS
    needs_year = False
    FIELDS = ("name", "accreditation_number", "accredited_until")

    def columns(self):
        return {"kode", "nama", "nomor_akreditasi", "berlaku_sampai"}, set()

    def check(self, table, options: Options, progress):
        plan, seen, rows = [], {}, 0
        for row in table.rows:
            rows += 1
            check = RowChecker(table, row)
            code = check.get("kode", lambda v: cells.text(v, max_length=30))
            name = check.get("nama", lambda v: cells.text(v, max_length=200))
            number = check.get("nomor_akreditasi", lambda v: cells.text(v, max_length=100))
            until = check.get("berlaku_sampai", cells.date)
            if code is not MISSING:
                check.first_time("kode", code, seen, _("Setiap lembaga cukup satu baris."))
            if check.ok:
                plan.append(
                    {"code": code, "name": name, "accreditation_number": number, "accredited_until": until}
                )
        return rows, plan

    def apply(self, plan, options: Options) -> Counts:
        counts = Counts()
        existing = {i.code: i for i in Institution.objects.all()}
        for item in plan:
            institution = existing.get(item["code"])
            values = {f: item[f] for f in self.FIELDS}
            if institution is None:
                Institution.objects.create(code=item["code"], **values)
                counts.created += 1
            elif any(getattr(institution, f) != v for f, v in values.items()):
                Institution.objects.filter(pk=institution.pk).update(**values)
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts


class AssessmentImporter:
    """One row per assessed employee; key (nip, year, competency)."""

    kind = ImportRun.Kind.ASSESSMENTS
    needs_year = True

    def columns(self):
        return (
            {"nip", "tanggal_asesmen", "lembaga"},
            {"nama", *Competency.objects.values_list("code", flat=True)},
        )

    def check(self, table, options: Options, progress):
        competencies = dict(Competency.objects.values_list("code", "pk"))
        present = [code for code in competencies if code in table.columns]
        if not present:
            table.issues.append(
                cells_issue(
                    table,
                    _("Tidak ada satu pun kolom kompetensi."),
                    _("Tambahkan kolom dengan kode kompetensi, mis. perekat_bangsa."),
                )
            )
        employees = {nip: (pk, name) for pk, nip, name in Employee.objects.values_list("pk", "nip", "name")}
        institutions = {i.code: i for i in Institution.objects.all()}
        staged: list[tuple] = []
        seen: dict[str, int] = {}
        rows = 0
        for row in table.rows:
            rows += 1
            check = RowChecker(table, row)
            nip = check.get("nip", cells.nip)
            name = check.get("nama", cells.text, required=False, default="")
            assessed_on = check.get("tanggal_asesmen", cells.date)
            institution_code = check.get("lembaga", cells.text)
            employee_id = None
            if nip is not MISSING:
                check.first_time(
                    "nip", nip, seen, _("Satu pegawai cukup satu baris per tahun; hapus salah satunya.")
                )
                if nip not in employees:
                    check.error(
                        "nip",
                        _("NIP %(nip)s tidak ada di data pegawai.") % {"nip": nip},
                        _("Periksa NIP, atau impor pegawainya lebih dulu."),
                    )
                else:
                    employee_id, registered_name = employees[nip]
                    if name and name.casefold().split() != registered_name.casefold().split():
                        check.warn(
                            "nama",
                            _("Nama berbeda dengan data pegawai (%(name)s).") % {"name": registered_name},
                        )
            institution = None
            if institution_code is not MISSING:
                institution = institutions.get(institution_code)
                if institution is None:
                    check.error(
                        "lembaga",
                        _("Lembaga %(code)s tidak ada.") % {"code": institution_code},
                        _("Impor lembaga asesmen lebih dulu, atau perbaiki kodenya."),
                    )
                elif assessed_on is not MISSING and not institution.accredited_on(assessed_on):
                    check.error(
                        "lembaga",
                        _(
                            "Akreditasi %(code)s hanya berlaku sampai %(until)s, sebelum tanggal asesmen %(date)s."
                        )
                        % {
                            "code": institution_code,
                            "until": institution.accredited_until.isoformat(),
                            "date": assessed_on.isoformat(),
                        },
                        _(
                            "Hasil dari lembaga yang tidak terakreditasi tidak sah; periksa tanggal atau lembaganya."
                        ),
                    )
            levels = [(code, check.get(code, cells.level, required=False)) for code in present]
            if check.ok:
                assessed = [(competencies[code], level) for code, level in levels if level is not None]
                if not assessed:
                    check.warn("nip", _("Tidak ada kompetensi yang dinilai pada baris ini."))
                for competency_id, level in assessed:
                    staged.append((employee_id, competency_id, level, assessed_on, institution.pk))
            if rows % 2000 == 0:
                progress(min(85, 5 + rows // 2000), "")
        return rows, staged

    def apply(self, staged, options: Options) -> Counts:
        _lock_year(self.kind, options.year)
        if connection.vendor == "postgresql":
            counts = _write_results_postgresql(staged, options)
        else:
            counts = _write_results_generic(staged, options)
        if counts.created or counts.updated:  # a dry run rolls back, and with it this callback
            year = options.year
            transaction.on_commit(lambda: results_changed.send(sender=AssessmentResult, year=year))
        return counts


def cells_issue(table, message, hint):
    from employees.importing.reader import Issue

    return Issue(table.header_row, "", "", str(message), str(hint))


def _lock_year(kind: str, year: int) -> None:
    """Two imports of the same year never interleave: the second waits for the first to
    commit (PostgreSQL advisory lock, released with the transaction). SQLite has one writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{kind}:{year}"])


def _run_meta(options: Options):
    run = options.run
    return (run.pk if run else None), (options.user.pk if options.user else None)


def _write_results_postgresql(staged, options: Options) -> Counts:
    """COPY the checked rows into a temporary staging table, count against what is stored,
    keep the history of what changes, then one INSERT … ON CONFLICT writes them all."""
    run_id, user_id = _run_meta(options)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_stage")
        cursor.execute(
            "CREATE TEMP TABLE import_stage (employee_id bigint, competency_id bigint, level smallint, "
            "assessed_on date, institution_id bigint) ON COMMIT DROP"
        )
        with cursor.copy("COPY import_stage FROM STDIN") as copy:
            for record in staged:
                copy.write_row(record)
        cursor.execute(
            """SELECT count(*) FILTER (WHERE r.id IS NULL),
                       count(*) FILTER (WHERE r.id IS NOT NULL AND (r.level, r.assessed_on, r.institution_id)
                                         IS DISTINCT FROM (s.level, s.assessed_on, s.institution_id))
                FROM import_stage s LEFT JOIN assessments_assessmentresult r
                  ON r.employee_id = s.employee_id AND r.competency_id = s.competency_id AND r.year = %s""",
            [options.year],
        )
        created, updated = cursor.fetchone()
        cursor.execute(
            """INSERT INTO assessments_assessmentresultchange (result_id, import_run_id, changed_by_id, changed_at, old_level, new_level,
                                       old_assessed_on, new_assessed_on, old_institution_id, new_institution_id)
                SELECT r.id, %s, %s, %s, r.level, s.level, r.assessed_on, s.assessed_on, r.institution_id,
                       s.institution_id
                FROM import_stage s JOIN assessments_assessmentresult r
                  ON r.employee_id = s.employee_id AND r.competency_id = s.competency_id AND r.year = %s
                WHERE (r.level, r.assessed_on, r.institution_id)
                      IS DISTINCT FROM (s.level, s.assessed_on, s.institution_id)""",
            [run_id, user_id, now, options.year],
        )
        cursor.execute(
            """INSERT INTO assessments_assessmentresult (employee_id, year, competency_id, level, assessed_on, institution_id,
                                       import_run_id)
                SELECT employee_id, %s, competency_id, level, assessed_on, institution_id, %s FROM import_stage
                ON CONFLICT (employee_id, year, competency_id) DO UPDATE
                SET level = EXCLUDED.level, assessed_on = EXCLUDED.assessed_on,
                    institution_id = EXCLUDED.institution_id, import_run_id = EXCLUDED.import_run_id
                WHERE (assessments_assessmentresult.level, assessments_assessmentresult.assessed_on, assessments_assessmentresult.institution_id)
                      IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.assessed_on, EXCLUDED.institution_id)""",
            [options.year, run_id],
        )
        cursor.execute("DROP TABLE import_stage")  # also when the caller's transaction goes on
    return Counts(created=created, updated=updated, unchanged=len(staged) - created - updated)


def _write_results_generic(staged, options: Options) -> Counts:
    run_id, user_id = _run_meta(options)
    existing = {
        (r.employee_id, r.competency_id): r
        for r in AssessmentResult.objects.filter(year=options.year).only(
            "pk", "employee_id", "competency_id", "level", "assessed_on", "institution_id"
        )
    }
    counts = Counts()
    upserts, history = [], []
    for employee_id, competency_id, level, assessed_on, institution_id in staged:
        current = existing.get((employee_id, competency_id))
        if current is None:
            counts.created += 1
        elif (current.level, current.assessed_on, current.institution_id) == (
            level,
            assessed_on,
            institution_id,
        ):
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
            history.append(
                AssessmentResultChange(
                    result_id=current.pk,
                    import_run_id=run_id,
                    changed_by_id=user_id,
                    old_level=current.level,
                    new_level=level,
                    old_assessed_on=current.assessed_on,
                    new_assessed_on=assessed_on,
                    old_institution_id=current.institution_id,
                    new_institution_id=institution_id,
                )
            )
        upserts.append(
            AssessmentResult(
                employee_id=employee_id,
                year=options.year,
                competency_id=competency_id,
                level=level,
                assessed_on=assessed_on,
                institution_id=institution_id,
                import_run_id=run_id,
            )
        )
    AssessmentResultChange.objects.bulk_create(history, batch_size=BATCH)
    AssessmentResult.objects.bulk_create(
        upserts,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["employee", "year", "competency"],
        update_fields=["level", "assessed_on", "institution", "import_run"],
    )
    return counts


register(PositionImporter())
register(InstitutionImporter())
register(AssessmentImporter())
