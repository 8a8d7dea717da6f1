from django.contrib import admin

from .models import Employee, ImportRun, OrgUnit, Position


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "indented_name", "parent", "leader"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "leader"]
    list_select_related = ["parent", "leader"]

    @admin.display(description="nama", ordering="path")
    def indented_name(self, unit):
        return f"{'— ' * unit.depth}{unit.name}"


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "jenis", "jenjang"]
    list_filter = ["jenis", "jenjang"]
    search_fields = ["code", "name"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["nip", "name", "employee_type", "unit", "position", "is_active"]
    list_filter = ["employee_type", "is_active", "position__jenis"]
    search_fields = ["nip", "name", "email"]
    autocomplete_fields = ["unit", "position"]
    raw_id_fields = ["user"]  # HR does not manage accounts here: no autocomplete on users
    list_select_related = ["unit", "position"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The import history, read-only: imports are made on the Impor data page or the command line."""

    list_display = [
        "created_at",
        "kind",
        "year",
        "original_name",
        "status",
        "created",
        "updated",
        "unchanged",
        "error_count",
    ]
    list_filter = ["kind", "status", "year"]
    search_fields = ["original_name", "checksum"]
    exclude = ["issues"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
