from django.contrib import admin

from .models import ClassDay, Holiday, Nomination, NominationChange, Programme, ProgrammeDay, TrainingClass
from .services import class_space_sync


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class ProgrammeDayInline(admin.TabularInline):
    model = ProgrammeDay
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "competency", "target_level", "days", "jp_per_day"]
    inlines = [ProgrammeDayInline]


class ClassDayInline(admin.TabularInline):
    model = ClassDay
    extra = 0


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin):
    """Classes are scheduled on the Kalender diklat page (which checks working days); the admin
    edits forum links and times afterwards."""

    list_display = ["name", "programme", "start_date", "end_date", "capacity"]
    inlines = [ClassDayInline]
    readonly_fields = ["start_date", "end_date", "created_by"]

    def has_add_permission(self, request):
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        class_space_sync(training_class=form.instance)  # facilitators or dates may have changed


class NominationChangeInline(admin.TabularInline):
    model = NominationChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["employee", "training_class", "status"]
    list_filter = ["status", "training_class"]
    search_fields = ["employee__nip", "employee__name"]
    readonly_fields = ["training_class", "employee", "need", "status", "reason"]
    inlines = [NominationChangeInline]

    def has_add_permission(self, request):
        return False
