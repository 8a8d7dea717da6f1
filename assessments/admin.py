from django.contrib import admin

from .models import (
    Competency,
    CompetencyLevel,
    DefaultStandardLevel,
    LevelIndicator,
    PositionStandard,
)


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


@admin.register(PositionStandard)
class PositionStandardAdmin(admin.ModelAdmin):
    list_display = ["position", "competency", "from_year", "level"]
    list_filter = ["competency", "from_year", "position__jenis"]
    search_fields = ["position__code", "position__name"]
    autocomplete_fields = ["position"]
    list_select_related = ["position", "competency"]
