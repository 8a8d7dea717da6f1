from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from employees.models import Position

from .models import ALL_YEARS, MAX_LEVEL, MIN_LEVEL, Competency, PositionStandard
from .selectors import default_level_for
from .signals import standards_changed

MSG_UNKNOWN_COMPETENCY = _("Kompetensi '{code}' tidak ada di kamus kompetensi.")
MSG_LEVEL_OUT_OF_RANGE = _("Level standar {competency} harus 1 sampai 5, bukan {level}.")
MSG_NO_DEFAULT = _("Tidak ada standar default untuk {grade}: isi levelnya atau tambahkan default.")


@transaction.atomic
def position_standards_set(
    *, position: Position, levels: dict[str, int | None], from_year: int = ALL_YEARS
) -> list[PositionStandard]:
    """Set the position's standard levels in force from `from_year` on. A competency given as
    None takes the default for the position's jenis/jenjang; competencies left out of `levels`
    are untouched."""
    by_code = {c.code: c for c in Competency.objects.filter(code__in=levels)}
    errors = [MSG_UNKNOWN_COMPETENCY.format(code=code) for code in levels if code not in by_code]
    fallback = default_level_for(position)
    resolved = {}
    for code, level in levels.items():
        if code not in by_code:
            continue
        if level is None:
            if fallback is None:
                errors.append(MSG_NO_DEFAULT.format(grade=position.grade_label))
                continue
            level = fallback
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            errors.append(MSG_LEVEL_OUT_OF_RANGE.format(competency=by_code[code].name, level=level))
            continue
        resolved[code] = level
    if errors:
        raise ValidationError(errors)
    current = dict(
        PositionStandard.objects.filter(
            position=position, from_year=from_year, competency__code__in=resolved
        ).values_list("competency__code", "level")
    )
    if current != resolved:  # gaps are recomputed only when a standard really changed
        transaction.on_commit(lambda: standards_changed.send(sender=PositionStandard, from_year=from_year))
    return [
        PositionStandard.objects.update_or_create(
            position=position,
            competency=by_code[code],
            from_year=from_year,
            defaults={"level": level},
        )[0]
        for code, level in resolved.items()
    ]
