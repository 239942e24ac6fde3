"""The statistics report (统计表): the figures of DESIGN.md §3 for a scope, laid out for a
report, with exactly the numbers figures.json gives for the same scope."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from xuncha.xlsx import LedgerWriter, XColumn

from .exports import describe, unit_line

SOURCES = {"clue": "来源于问题线索", "handover": "来源于转交办事项", "rectification": "来源于整改问责"}


def rows(f: dict) -> list[tuple[str, object, str]]:
    """(指标, 数值, 说明) in the order of a report; rates in percent, "—" without a denominator."""

    out = [
        ("完成巡察轮次", f["rounds_completed"], "状态为已完成的轮次"),
        ("巡察组（个）", f["teams"]["total"], "本范围内开展巡察的巡察组"),
    ]
    out += [(f"　{m['label']}组（个）", m["count"], "按巡察方式") for m in f["teams"]["by_mode"]]
    out += [
        ("巡察党组织（个）", f["organizations_inspected"], "已进驻的被巡察党组织，去重"),
        ("　其中：村（社区）党组织（个）", f["villages"]["organizations_inspected"], ""),
        ("发现问题（个）", f["problems_found"], "组长审定的问题"),
        ("　其中：村（社区）发现问题（个）", f["villages"]["problems_found"], ""),
    ]
    out += [(f"　其中：{name}", n, "") for name, n in f["problems_by_category"].items()]
    out += [(f"　{r['label']}", r["problems_found"], "按被巡察党组织层级") for r in f["problems_by_level"]]
    out += [
        ("反馈问题（个）", f["problems_fed_back"], ""),
        ("已整改问题（个）", f["problems_rectified"], "含长期坚持"),
        ("整改完成率（%）", pct(f["rectification_rate"]), "已整改 ÷ 反馈问题"),
        ("转交办事项（件）", f["handover_items"], ""),
        ("已办结（件）", f["handover_closed"], ""),
        ("办结率（%）", pct(f["handover_closure_rate"]), "已办结 ÷ 转交办事项"),
        ("移交问题线索（件）", f["clues_transferred"], ""),
    ]
    out += [(f"　移交{name}", n, "") for name, n in f["clues_by_destination"].items()]
    out += [(f"　处置：{name}", n, "") for name, n in f["clue_dispositions"].items()]
    return out + _sanction_rows(f["sanctions"]) + _tail_rows(f)


def pct(value: Decimal | None):
    return "—" if value is None else float(value)


def _sanction_rows(s: dict) -> list[tuple[str, object, str]]:
    out = [
        ("党纪政务处分（人）", s["discipline_persons"], "一人同时受党纪、政务处分计一人"),
        ("组织处理（人次）", s["org_handling_person_times"], ""),
        ("移送司法机关（人）", s["judicial"], ""),
    ]
    for source, label in SOURCES.items():
        by = s["by_source"][source]
        out += [
            (f"　{label}：党纪政务处分（人）", by["discipline_persons"], ""),
            (f"　{label}：组织处理（人次）", by["org_handling_person_times"], ""),
            (f"　{label}：移送司法机关（人）", by["judicial"], ""),
        ]
    return out


def _tail_rows(f: dict) -> list[tuple[str, object, str]]:
    rules = f["rules_by_source"]
    out = [
        ("受理信访（件）", f["petitions"], ""),
        ("建立健全规章制度（项）", f["rules_established"], ""),
        ("　其中：根据转交办事项（项）", rules["handover"], ""),
        ("　其中：针对问题整改（项）", rules["problem"], "不含已计入转交办事项的"),
        ("立行立改通知书（份）", f["immediate_notices"], ""),
        ("超期整改措施（项）", f["measures_overdue"], ""),
        ("整改完成率低于阈值的单位（个）", f["units_below_threshold"], "整改期满"),
    ]
    for share in f["clue_share_by_mode"]:
        out.append((f"线索占比：{share['label']}（%）", pct(share["share"]), f"{share['count']}件"))
    for share in f["clue_share_by_mode_discipline"]:
        out.append((f"移交纪委监委线索占比：{share['label']}（%）", pct(share["share"]), f"{share['count']}件"))
    for share in f["petition_share_by_mode"]:
        out.append((f"信访占比：{share['label']}（%）", pct(share["share"]), f"{share['count']}件"))
    for level in f["coverage"]["levels"]:
        out.append((f"覆盖率：{level['label']}（%）", pct(level["rate"]), f"{level['inspected']}/{level['in_scope']}"))
    return out


def write_statistics(f: dict, target, *, user: User) -> None:
    computed = f["computed_at"]
    when = timezone.localtime(computed).strftime("%Y-%m-%d %H:%M") if computed else "—"
    writer = LedgerWriter(
        title="巡察工作统计表",
        unit=unit_line(user, None),
        date_line=f"导出日期：{timezone.localdate():%Y-%m-%d}　数据计算于：{when}　范围：{describe(f['scope'])}",
        columns=[
            XColumn("指标", lambda r: r[0], 36),
            XColumn("数值", lambda r: r[1], 14, "number"),
            XColumn("说明", lambda r: r[2], 30),
        ],
    )
    writer.add_all(rows(f))
    writer.save(target)
