"""The office's audit pages: every change to records in its jurisdiction, and every read of a
petition or a clue. Office staff only; both pages export to Excel like any list."""

import tempfile

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import holds
from accounts.models import Role, User
from findings.models import ReadKind, ReadVia
from findings.readlog import read_log_visible_to
from xuncha.filtering import XunchaFilterSet, date_range
from xuncha.listing import MAX_PAGE, PAGE_SIZES, Column, ListPage, display, int_param
from xuncha.xlsx import LedgerWriter, XColumn

from .audit import AUDITED, DEFAULT_DAYS, AuditQuery, history_visible_to, record_url
from .exports import filename

HISTORY_TYPES = {"+": _("新建"), "~": _("修改"), "-": _("删除")}
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")


class AuditForm(forms.Form):
    model = forms.ChoiceField(
        label=_("数据类别"),
        required=False,
        choices=[("", _("全部"))] + [(a.key, a.model._meta.verbose_name) for a in AUDITED],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    user = forms.CharField(
        label=_("操作人账号"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    since = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data


class _FilterShim:
    """What listing/list.html reads from a filter: its form."""

    def __init__(self, form):
        self.form = form


def _audit_columns(users: dict[int, User]) -> list[Column]:
    labels = {a.key: a.model._meta.verbose_name for a in AUDITED}
    return [
        Column(_("时间"), lambda r: timezone.localtime(r["history_date"]).strftime("%Y-%m-%d %H:%M:%S")),
        Column(_("操作人"), lambda r: users.get(r["history_user_id"], "—")),
        Column(_("操作"), lambda r: HISTORY_TYPES.get(r["history_type"], r["history_type"])),
        Column(_("数据类别"), lambda r: labels[r["model"]]),
        Column(_("记录编号"), lambda r: r["id"], href=record_url),
        Column(_("原因"), lambda r: r["history_change_reason"] or ""),
    ]


@login_required
def audit_history(request):
    """Who changed what, when: the history of every record the office may see."""
    if not holds(request.user, Role.OFFICE_ADMIN):
        raise PermissionDenied(_("只有巡察办工作人员可以查看审计日志。"))
    form = AuditForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    query = AuditQuery(
        model=data.get("model") or "", username=data.get("user") or "", since=data.get("since"), until=data.get("until")
    )
    rows_qs = history_visible_to(request.user, query) if valid else None
    if request.GET.get("export") == "xlsx" and rows_qs is not None:
        return _export(request, rows_qs)
    per_page = int_param(request.GET.get("per_page"), PAGE_SIZES[0], PAGE_SIZES)
    page = min(int_param(request.GET.get("page"), 1), MAX_PAGE)
    offset = (page - 1) * per_page
    rows = list(rows_qs[offset : offset + per_page + 1]) if rows_qs is not None else []
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    users = {u.pk: u for u in User.objects.filter(pk__in={r["history_user_id"] for r in rows})}
    columns = _audit_columns(users)
    table = [
        {"obj": None, "url": None, "cells": [(c.render(r), c, c.href(r) if c.href else None) for c in columns]}
        for r in rows
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "listing/list.html",
        {
            "view": None,
            "title": _("审计日志"),
            "note": _("默认显示最近%(days)s天的记录；按起始日期查看更早的记录。") % {"days": DEFAULT_DAYS},
            "filter": _FilterShim(form),
            "columns": [(c, None) for c in columns],
            "table": table,
            "page": page,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "has_next": has_next,
            "first_index": offset + 1,
            "sort": "",
            "query": params.urlencode(),
            "bulk_actions": [],
        },
        status=200 if valid else 400,
    )


def _export(request, rows_qs):
    def chunks():
        # Read in pages so that a long trail never sits in memory at once.
        offset = 0
        while True:
            batch = list(rows_qs[offset : offset + 2000])
            if not batch:
                return
            users = {u.pk: u for u in User.objects.filter(pk__in={r["history_user_id"] for r in batch})}
            columns = _audit_columns(users)
            for r in batch:
                yield [str(c.render(r)) for c in columns]
            offset += len(batch)

    labels = [str(c.label) for c in _audit_columns({})]
    writer = LedgerWriter(
        title="审计日志",
        unit="单位：" + "、".join(sorted({a.organization.name for a in request.user.active_assignments()})),
        date_line=f"导出日期：{timezone.localdate():%Y-%m-%d}　导出人：{request.user}",
        columns=[XColumn(label, lambda row, i=i: row[i], 18) for i, label in enumerate(labels)],
    )
    writer.add_all(chunks())
    spool = tempfile.TemporaryFile()
    writer.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename("审计日志"))


class ReadLogFilter(XunchaFilterSet):
    search_fields = ("label", "query")
    user = django_filters.CharFilter(field_name="user__username", label=_("查阅人账号"))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=ReadKind.choices)
    via = django_filters.ChoiceFilter(label=_("查阅方式"), choices=ReadVia.choices)
    record = django_filters.NumberFilter(field_name="record_id", label=_("记录编号"), min_value=1, max_value=2**63 - 1)
    at = date_range("at__date", _("查阅日期"))


class ReadLogList(ListPage):
    """Who read which petition or clue, when, through which page (office staff only)."""

    title = _("信访件与线索查阅记录")
    selector = read_log_visible_to
    filterset_class = ReadLogFilter
    related = ("user",)
    roles = (Role.OFFICE_ADMIN,)
    default_sort = "-at"
    columns = [
        Column(_("查阅时间"), lambda r: timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), sort="at"),
        Column(_("查阅人"), "user"),
        Column(_("类别"), display("kind"), sort="kind"),
        Column(_("查阅方式"), display("via"), sort="via"),
        Column(_("记录"), "label"),
        Column(_("条数"), "rows", css="text-end"),
        Column(_("筛选条件"), "query"),
    ]
