"""The summary paragraph staff copy into a report, written from the figures, in the style of
the office's own reports ("本届市委完成8轮巡察，巡察党组织79个，发现问题2012个……")."""

from .figures import show_rate


def summary(committee_name: str, f: dict, villages: dict | None = None) -> str:
    who = f"本届{committee_name}" if committee_name else "本届"
    parts = [
        f"{who}完成{f['rounds_completed']}轮巡察，巡察党组织{f['organizations_inspected']}个，"
        f"发现问题{f['problems_found']}个",
    ]
    cats = f["problems_by_category"]
    if f["problems_found"]:
        parts.append("，其中" + "、".join(f"{name}问题{n}个" for name, n in cats.items()))
    parts.append("。")
    parts.append(
        f"反馈问题{f['problems_fed_back']}个，已整改{f['problems_rectified']}个，"
        f"整改完成率{show_rate(f['rectification_rate'])}；"
    )
    parts.append(
        f"移交问题线索{f['clues_transferred']}件（纪委监委{f['clues_by_destination']['纪委监委']}件、"
        f"组织部{f['clues_by_destination']['组织部']}件），"
    )
    sanctions = f["sanctions"]
    parts.append(
        f"给予党纪政务处分{sanctions['discipline_persons']}人，组织处理{sanctions['org_handling_person_times']}人次，"
        f"移送司法机关{sanctions['judicial']}人；"
    )
    parts.append(
        f"转交办事项{f['handover_items']}件，办结{f['handover_closed']}件，办结率{show_rate(f['handover_closure_rate'])}；"
        f"推动建立健全规章制度{f['rules_established']}项；受理信访{f['petitions']}件。"
    )
    if villages and villages["organizations_inspected"]:
        parts.append(
            f"其中巡察村（社区）党组织{villages['organizations_inspected']}个，发现问题{villages['problems_found']}个。"
        )
    return "".join(parts)
