"""What other apps may react to without this app knowing them (gaps recomputes on these).
Both are sent only after the change commits."""

from django.dispatch import Signal

results_changed = Signal()  # kwargs: year
standards_changed = Signal()  # kwargs: from_year (0 = every year)
