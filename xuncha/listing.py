"""One list page for every table: a scoped queryset, a django-filter FilterSet kept in the URL,
sortable columns and pagination that never counts a whole table.

A list is declared, not written: a `ListPage` subclass names its selector, filter set and
columns. Pages are fetched as `LIMIT per_page + 1` so "is there a next page" costs nothing,
and every related object a column shows is joined up front, so the query count does not grow
with the page size.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views import View

from .choices import choice_label
from .xlsx import LedgerWriter, XColumn

PAGE_SIZES = (20, 50, 100)
# Far beyond any table; keeps OFFSET inside a 64-bit integer (a huge ?page= was a 500).
MAX_PAGE = 1_000_000


def last_page(per_page: int) -> int:
    """The deepest page a list shows: LIST_MAX_ROWS rows can be paged through, no more.

    A page is `LIMIT … OFFSET …`, and the database reads every row it skips: page 50,000 of the
    province's two million measures took 2.5 s. Nobody reads a million rows twenty at a time;
    past the limit the page says to narrow the filters or export the ledger (the worker streams
    every row), as search engines do."""
    return max(1, -(-settings.LIST_MAX_ROWS // per_page))


@dataclass(frozen=True)
class Column:
    label: str
    value: str | Callable[[Any], Any]  # a dotted attribute path, or a function of the row
    sort: str | None = None  # the order_by expression; None: not sortable
    link: bool = False  # link the cell to the row's detail page
    css: str = ""
    href: Callable[[Any], str] | None = None  # a link of its own instead of the detail page

    def render(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        value = row
        for part in self.value.split("."):
            if value is None:
                return ""
            value = getattr(value, part)
            if callable(value):
                value = value()
        return "" if value is None else value


def display(field: str) -> Callable[[Any], str]:
    """The human label of a choice field: `display("status")`."""
    return choice_label(field)


def int_param(raw: str | None, default: int, allowed: tuple[int, ...] | None = None) -> int:
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    if allowed is not None and value not in allowed:
        return default
    return max(value, 1)


class ListPage(LoginRequiredMixin, View):
    title: str = ""
    selector: Callable[..., QuerySet]
    filterset_class = None
    columns: list[Column] = []
    default_sort: str = "-pk"
    related: tuple[str, ...] = ()
    detail_url_name: str | None = None
    template_name = "listing/list.html"
    roles: tuple[str, ...] = ()  # who may open the list at all; others get 403
    actions_template: str | None = None  # buttons above the table (create …)
    bulk_actions: list[tuple[str, str]] = []  # (value, label) offered for selected rows
    ledger: str | None = None  # the standard ledger (reports.ledgers) this list exports to
    bulk_roles: tuple[str, ...] = ()  # who is offered them (the app's roles; none by default)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.roles and not request.user.has_role(*self.roles):
            raise PermissionDenied(_("您的角色无权查看此列表。"))
        if request.method == "POST" and request.user.is_authenticated and not self.may_bulk(request.user):
            raise PermissionDenied(_("您的角色不能对列表进行批量操作。"))
        return super().dispatch(request, *args, **kwargs)

    def may_bulk(self, user) -> bool:
        return bool(self.bulk_actions_for(user))

    def bulk_actions_for(self, user) -> list[tuple[str, str]]:
        return self.bulk_actions if user.has_role(*self.bulk_roles) else []

    def get_queryset(self) -> QuerySet:
        qs = type(self).selector(self.request.user)
        if hasattr(qs, "live"):
            qs = qs.live()
        return qs.select_related(*self.related)

    def sort_options(self) -> dict[str, str]:
        return {c.sort.lstrip("-"): c.sort for c in self.columns if c.sort}

    def get(self, request, *args, **kwargs):
        qs = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=qs, request=request)
            qs = filterset.qs if filterset.is_bound else qs
        if request.GET.get("export") == "xlsx":
            return self.export_or_refuse(request, qs)
        qs, sort = self.sorted(request, qs)
        per_page = int_param(request.GET.get("per_page"), PAGE_SIZES[0], PAGE_SIZES)
        deepest = last_page(per_page)
        page = min(int_param(request.GET.get("page"), 1), deepest)
        offset = (page - 1) * per_page
        rows = page_rows(qs, offset, per_page + 1)
        has_next = len(rows) > per_page
        # More rows than may be paged through: the last page says how to reach the rest.
        beyond_limit = has_next and page == deepest
        rows = rows[:per_page]
        self.rows_shown(rows)
        query = request.GET.copy()
        for name in ("page", "sort"):
            query.pop(name, None)
        return render(
            request,
            self.template_name,
            {
                "view": self,
                "title": self.title,
                "filter": filterset,
                "columns": [(c, c.sort.lstrip("-") if c.sort else None) for c in self.columns],
                "table": self.table(rows),
                "page": page,
                "per_page": per_page,
                "page_sizes": PAGE_SIZES,
                "has_next": has_next and not beyond_limit,
                "beyond_limit": beyond_limit,
                "max_rows": settings.LIST_MAX_ROWS,
                "first_index": offset + 1,
                "sort": sort,
                "query": query.urlencode(),
                "bulk_actions": self.bulk_actions_for(request.user),
                **self.extra_context(),
            },
        )

    def export_or_refuse(self, request, qs: QuerySet):
        """The filtered list as .xlsx, or back to the list when it is too long to build here."""
        limit = settings.EXPORT_SYNC_MAX_ROWS
        if len(qs[: limit + 1].values_list("pk", flat=True)) > limit:
            messages.error(request, f"本列表超过{limit}行，请缩小筛选范围，或使用“导出台账”在后台生成。")
            query = request.GET.copy()
            query.pop("export")
            return redirect(f"{request.path}?{query.urlencode()}")
        return self.export(qs.order_by(self.default_sort, "pk"))

    def sorted(self, request, qs: QuerySet) -> tuple[QuerySet, str]:
        """Ordered by the `sort` asked for when it is offered, else the default; and that sort."""
        sort = request.GET.get("sort", "")
        descending = sort.startswith("-")
        key = sort[1:] if descending else sort  # one "-" only: "--title" was a 500
        if key in self.sort_options():
            sort = f"-{key}" if descending else key
            return qs.order_by(sort, "-pk" if descending else "pk"), sort
        return qs.order_by(self.default_sort, "-pk"), ""

    def table(self, rows: list) -> list[dict]:
        return [
            {
                "obj": row,
                "url": reverse(self.detail_url_name, args=[row.pk]) if self.detail_url_name else None,
                "cells": [(c.render(row), c, c.href(row) if c.href else None) for c in self.columns],
            }
            for row in rows
        ]

    def extra_context(self) -> dict:
        return {}

    # Confidential lists (petitions, clues) log what they show; the others do nothing.
    def rows_shown(self, rows: list) -> None:
        pass

    def exported(self, qs) -> None:
        pass

    def export(self, qs) -> FileResponse:
        """What the list shows, every page of it, as a printable .xlsx (streamed from the DB)."""
        self.exported(qs)
        writer = LedgerWriter(
            title=str(self.title),
            unit="单位：" + "、".join(sorted({a.organization.name for a in self.request.user.active_assignments()})),
            date_line=f"导出日期：{timezone.localdate():%Y-%m-%d}　导出人：{self.request.user}",
            columns=[XColumn(str(c.label), lambda row, c=c: _plain(c.render(row)), 18) for c in self.columns],
        )
        writer.add_all(qs.iterator(chunk_size=2000))
        spool = tempfile.TemporaryFile()
        writer.save(spool)
        spool.seek(0)
        return FileResponse(spool, as_attachment=True, filename=f"{self.title}_{timezone.localdate():%Y%m%d}.xlsx")


def page_rows(qs: QuerySet, offset: int, limit: int) -> list:
    """`limit` rows from `offset`. Past page 1, the page's ids come first and then its rows: the
    rows skipped over are read without the joins the columns need (every select_related is an
    inner join the database must make for each skipped row), which made a deep page of a
    hundred thousand problems four times slower. One more query, the same for every page."""
    if offset == 0:
        return list(qs[:limit])
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    by_id = {row.pk: row for row in qs.order_by().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def _plain(value):
    """Cells get values, not HTML: a badge's text, a date as a date."""
    return strip_tags(value) if isinstance(value, SafeString) else value
