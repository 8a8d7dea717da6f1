"""Scores and Hake's normalized gain: g = (post − pre) / (100 − pre), scores in percent;
high ≥ 0.7, medium 0.3–0.7, low < 0.3; undefined when pre = 100."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

GAIN_HIGH = Decimal("0.7")
GAIN_MEDIUM = Decimal("0.3")
HUNDRED = Decimal(100)

GAIN_CATEGORY_LABELS = {
    "high": _("Tinggi"),
    "medium": _("Sedang"),
    "low": _("Rendah"),
    None: _("Tidak terdefinisi (pre-test 100)"),
}


def percent(correct: int, total: int) -> Decimal:
    if total == 0:
        return Decimal("0.00")
    return (Decimal(100) * correct / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def normalized_gain(pre, post) -> Decimal | None:
    """None when pre = 100 (nothing left to gain) or a score is missing."""
    if pre is None or post is None:
        return None
    pre, post = Decimal(pre), Decimal(post)
    if pre >= HUNDRED:
        return None
    return ((post - pre) / (HUNDRED - pre)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def gain_category(gain: Decimal | None) -> str | None:
    if gain is None:
        return None
    if gain >= GAIN_HIGH:
        return "high"
    if gain >= GAIN_MEDIUM:
        return "medium"
    return "low"


def gain_label(gain: Decimal | None):
    return GAIN_CATEGORY_LABELS[gain_category(gain)]
