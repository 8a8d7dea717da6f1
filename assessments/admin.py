from django.contrib import admin
from django.db import transaction

from .models import (
    AssessmentResult,
    AssessmentResultChange,
    Competency,
    CompetencyLevel,
    DefaultStandardLevel,
    Institution,
    LevelIndicator,
    PositionStandard,
)
from .signals import standards_changed


class CompetencyLevelInline(admin.TabularInline):
    model = CompetencyLevel
    extra = 0
    show_change_link = True


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [CompetencyLevelInline]


class LevelIndicatorInline(admin.TabularInline):
    model = LevelIndicator
    extra = 1


@admin.register(CompetencyLevel)
class CompetencyLevelAdmin(admin.ModelAdmin):
    list_display = ["competency", "level", "title"]
    list_filter = ["competency"]
    inlines = [LevelIndicatorInline]


@admin.register(DefaultStandardLevel)
class DefaultStandardLevelAdmin(admin.ModelAdmin):
    list_display = ["jenis", "jenjang", "level"]
    list_editable = ["level"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A default applies to every year of positions without their own standard.
        transaction.on_commit(lambda: standards_changed.send(sender=DefaultStandardLevel, from_year=0))


@admin.register(PositionStandard)
class PositionStandardAdmin(admin.ModelAdmin):
    list_display = ["position", "competency", "from_year", "level"]
    list_filter = ["competency", "from_year", "position__jenis"]
    search_fields = ["position__code", "position__name"]
    autocomplete_fields = ["position"]
    list_select_related = ["position", "competency"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._announce(obj.from_year)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._announce(obj.from_year)

    @staticmethod
    def _announce(from_year):
        transaction.on_commit(lambda: standards_changed.send(sender=PositionStandard, from_year=from_year))


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "accreditation_number", "accredited_until"]
    search_fields = ["code", "name", "accreditation_number"]


class AssessmentResultChangeInline(admin.TabularInline):
    model = AssessmentResultChange
    fk_name = "result"
    extra = 0
    can_delete = False
    readonly_fields = [
        "changed_at",
        "changed_by",
        "import_run",
        "old_level",
        "new_level",
        "old_assessed_on",
        "new_assessed_on",
        "old_institution",
        "new_institution",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AssessmentResult)
class AssessmentResultAdmin(admin.ModelAdmin):
    """Results come from imports; the admin shows them and their history, it does not edit."""

    list_display = ["employee", "year", "competency", "level", "assessed_on", "institution"]
    list_filter = ["year", "competency"]
    search_fields = ["employee__nip", "employee__name"]
    list_select_related = ["employee", "competency", "institution"]
    readonly_fields = ["employee", "year", "competency", "level", "assessed_on", "institution", "import_run"]
    inlines = [AssessmentResultChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
