from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from employees.access import hr_required
from employees.models import Jenis, Position

from .forms import PositionFilterForm
from .selectors import competencies, standards_in_force

POSITIONS_PER_PAGE = 50


@hr_required
def position_list(request):
    form = PositionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year") or timezone.localdate().year
    positions = Position.objects.order_by("code")
    if filters.get("jenis"):
        positions = positions.filter(jenis=filters["jenis"])
    if filters.get("q"):
        positions = positions.filter(name__icontains=filters["q"])
    page = Paginator(positions, POSITIONS_PER_PAGE).get_page(request.GET.get("page"))
    competency_list = list(competencies())
    table = standards_in_force(list(page.object_list), competency_list, year)
    rows = [(position, table[position.pk]) for position in page.object_list]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "assessments/position_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "competencies": competency_list,
            "year": year,
            "jenis_choices": Jenis.choices,
            "query_string": query_string.urlencode(),
        },
    )
