"""`python manage.py export_ledger NAME --out FILE --user USERNAME [--filter key=value …]`:
the same ledger, scope and filters as the download button, for batch use."""

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from accounts.models import User
from campaigns.selectors import inspections_visible_to
from reports import exports
from reports.ledgers import LEDGERS


class Command(BaseCommand):
    help = "导出标准台账到 .xlsx（与页面上的“导出台账”相同的范围和筛选条件）。"

    def add_arguments(self, parser):
        parser.add_argument("name", help=f"台账：{', '.join(LEDGERS)}")
        parser.add_argument("--out", required=True, help="输出文件，如 问题台账.xlsx")
        parser.add_argument("--user", required=True, help="以该用户的管辖范围导出")
        parser.add_argument(
            "--filter", action="append", default=[], help="筛选条件 key=value，可重复，如 status=fed_back"
        )
        parser.add_argument("--inspection", type=int, help="问题清单、任务清单、责任清单须指定巡察编号")

    def handle(self, *args, name, out, user, filter, inspection, **options):
        account = User.objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"找不到用户“{user}”。")
        ledger = exports.ledger_for(account, name)
        if ledger is None:
            raise CommandError(f"台账“{name}”不存在，或用户“{user}”无权导出。可选：{', '.join(LEDGERS)}。")
        params = QueryDict(mutable=True)
        for item in filter:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"筛选条件须写成 key=value：“{item}”。")
            params.appendlist(key, value)
        target = None
        if ledger.per_inspection:
            if inspection is None:
                raise CommandError(f"{ledger.title}须用 --inspection 指定巡察。")
            target = (
                inspections_visible_to(account)
                .select_related("organization", "round", "team")
                .filter(pk=inspection)
                .first()
            )
            if target is None:
                raise CommandError(f"找不到编号为 {inspection} 的巡察，或它不在该用户的管辖范围内。")
        qs = ledger.queryset(account, params, request=exports.UserRequest(account), inspection=target)
        with open(out, "wb") as fh:
            count = exports.write(ledger, qs, fh, user=account, params=params.dict(), inspection=target)
        self.stdout.write(f"已导出{ledger.title} {count} 行到 {out}。")
