"""The label of a choice field, as `get_<field>_display()` gives it, without its cost per call.

Django's get_<field>_display() rebuilds a dict of every choice on each call, hashing each lazy
translated label (a gettext call apiece): about 0.5 ms a cell. A list page shows a few dozen
such cells and a million-row ledger a few million, so the labels are looked up once per
language and value and kept.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language


def choice_label(field: str) -> Callable[[Any], str]:
    labels: dict[tuple[str | None, Any], str] = {}

    def label(row) -> str:
        key = (get_language(), getattr(row, field))
        found = labels.get(key)
        if found is None:
            found = labels[key] = str(getattr(row, f"get_{field}_display")())
        return found

    return label
