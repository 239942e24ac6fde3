"""The summary paragraph staff copy into a report, written from the figures, in the style of
the office's own reports ("本届市委完成8轮巡察，巡察党组织79个，发现问题2012个……").

Every number is a key of the figures dict, so the paragraph says what figures.json says. A
sentence whose subject the scope does not have (no villages, no cross inspection, no sanction
from a handover item, no district terms) is left out rather than said with zeros.
"""

from .figures import show_rate


def summary(committee_name: str, f: dict, districts: dict | None = None) -> str:
    who = f"本届{committee_name}" if committee_name else "本届"
    parts = [_work(who, f), _rectification(f), _cross(f), _by_source(f)]
    if districts is not None:
        parts.append(_districts(districts))
    return "".join(p for p in parts if p)


def _work(who: str, f: dict) -> str:
    text = (
        f"{who}完成{f['rounds_completed']}轮巡察，派出巡察组{f['teams']['total']}个，"
        f"巡察党组织{f['organizations_inspected']}个，发现问题{f['problems_found']}个"
    )
    if f["problems_found"]:
        text += "，其中" + "、".join(f"{name}问题{n}个" for name, n in f["problems_by_category"].items())
    return text + "。" + _villages(f["villages"])


def _villages(v: dict) -> str:
    if not v["organizations_inspected"]:
        return ""
    return f"其中巡察村（社区）党组织{v['organizations_inspected']}个，发现问题{v['problems_found']}个。"


def _rectification(f: dict) -> str:
    clues, s = f["clues_by_destination"], f["sanctions"]
    return (
        f"反馈问题{f['problems_fed_back']}个，已整改{f['problems_rectified']}个，"
        f"整改完成率{show_rate(f['rectification_rate'])}；"
        f"移交问题线索{f['clues_transferred']}件（纪委监委{clues['纪委监委']}件、组织部{clues['组织部']}件），"
        f"给予党纪政务处分{s['discipline_persons']}人，组织处理{s['org_handling_person_times']}人次，"
        f"移送司法机关{s['judicial']}人；"
        f"转交办事项{f['handover_items']}件，已办结{f['handover_closed']}件，办结率{show_rate(f['handover_closure_rate'])}；"
        f"推动建立健全规章制度{f['rules_established']}项；受理信访{f['petitions']}件。"
    )


def cross_shares(f: dict) -> dict | None:
    """The 交叉巡察 teams' share of the scope's petitions and of its clues to the discipline
    commission, or None when the scope has no cross inspection."""

    def cross(rows):
        return next((r for r in rows if r["mode"] == "cross"), None)

    teams = next((r["count"] for r in f["teams"]["by_mode"] if r["mode"] == "cross"), 0)
    petitions, clues = cross(f["petition_share_by_mode"]), cross(f["clue_share_by_mode_discipline"])
    if not teams:
        return None
    return {"teams": teams, "petitions": petitions, "clues_discipline": clues}


def _cross(f: dict) -> str:
    c = cross_shares(f)
    if c is None:
        return ""
    said = []
    if c["petitions"]:
        said.append(f"接收信访数量占巡察信访总量的{show_rate(c['petitions']['share'])}")
    if c["clues_discipline"]:
        said.append(
            f"向纪委监委移交问题线索数量占移交纪委监委问题线索总数的{show_rate(c['clues_discipline']['share'])}"
        )
    if not said:
        return ""
    return f"{c['teams']}个交叉巡察组" + "，".join(said) + "。"


def _by_source(f: dict) -> str:
    by, rules = f["sanctions"]["by_source"], f["rules_by_source"]
    out = []
    clue = by["clue"]
    if any(clue.values()):
        out.append(
            f"纪检监察机关根据巡察移交的问题线索，给予党纪政务处分{clue['discipline_persons']}人，"
            f"组织处理{clue['org_handling_person_times']}人次，移送司法机关{clue['judicial']}人。"
        )
    handover = by["handover"]
    if any(handover.values()) or rules["handover"]:
        out.append(
            f"各单位根据转交办事项，党纪政务处分{handover['discipline_persons']}人，"
            f"组织处理{handover['org_handling_person_times']}人次，建立健全规章制度{rules['handover']}项。"
        )
    rect = by["rectification"]
    if any(rect.values()):
        out.append(
            f"整改中问责党纪政务处分{rect['discipline_persons']}人，组织处理{rect['org_handling_person_times']}人次。"
        )
    return "".join(out)


def _districts(d: dict) -> str:
    return f"县区完成巡察党组织{d['organizations_inspected']}个，发现问题{d['problems_found']}个" + (
        f"，其中巡察村（社区）党组织{d['villages']['organizations_inspected']}个，"
        f"发现问题{d['villages']['problems_found']}个。"
        if d["villages"]["organizations_inspected"]
        else "。"
    )
