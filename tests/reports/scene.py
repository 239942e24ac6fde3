"""Hand-built records whose every figure is known in advance (DESIGN.md §3), made through the
real services on top of tests.world.

十一届市委, 第一轮 (world.round, world.team):
  I1 青石镇 (district A, township, regular) — left and fed back:
     petitions 3, one withdrawn → 2
     problems A01, B01, C01 approved and fed back; a fourth (A01) approved, then withdrawn
     immediate notices: one on A01, one on the withdrawn problem → 1
     clues: K1 纪委 transferred, 立案; K2 纪委 transferred, 谈话函询; K3 组织部 transferred;
            K4 draft; K5 draft then withdrawn → transferred 3 (纪委 2, 组织部 1), disposed 2
     sanctions: 李某 党纪 + 李某 政务 + 李某 移送司法 and 王某 党纪 (clues, 纪委);
                张某 组织处理 twice (clue, 组织部); 赵某 组织处理 (handover); 钱某 政务 (rectification)
                → persons 3 (李某, 王某, 钱某), 组织处理 3 person-times, judicial 1;
                  by source: clue 6, handover 1, rectification 1
     handover items 3, one closed
     measures: A01 one accepted → rectified; B01 one accepted + one sent back (overdue) + one
               withdrawn → still fed back; C01 one accepted as 长期坚持 → rectified (ongoing)
     rules 2
  I2 青石村 (district A, village, cross) — on site: problem A01 approved; clues 3 纪委; petition 1
  I3 西山镇 (district B, township, regular) — fed back: problems A01 × 2, one measure accepted on
     the first → rectified 1 of 2; petition 1; clue 1 纪委
  I4 东城区委 (district A, district, regular) — on site, nothing found
  I5 柳岸社区 (district A, village, regular) — planned, never on site
  I6 西山县委 (district B, district, regular) — withdrawn
第二轮 (a new round, closed):
  I7 青石镇 look-back of I1 — left: problem A01 approved
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services as cs
from campaigns.models import Inspection, InspectionMode, Round, Team, TeamMember
from findings import services as fs
from findings.models import ClueDestination, Disposition, PetitionChannel, SanctionKind, SanctionSource
from rectification import services as rs
from rectification.models import RuleKind
from tests.world import D, World, approve, create_inspection, draft_problem, on_site

PDF = b"%PDF-1.4\n%evidence\n"
ENTERED = D(2026, 3, 10)
LEFT = D(2026, 4, 10)
FED_BACK = D(2026, 5, 10)  # the rectification deadline defaults to 2026-07-10
PAST_DEADLINE = D(2026, 6, 30)


@dataclass
class Figures:
    """The records the tests reach for by name."""

    i1: Inspection
    i2: Inspection
    i3: Inspection
    i4: Inspection
    i5: Inspection
    i6: Inspection
    i7: Inspection
    round2: Round


def petition(w: World, inspection: Inspection, subject: str = "反映村务"):
    return fs.petition_register(
        user=w.team_member,
        inspection=inspection,
        channel=PetitionChannel.LETTER,
        received_on=ENTERED,
        subject=subject,
        content=f"{subject}的内容",
        is_anonymous=True,
    )


def clue(w: World, inspection: Inspection, destination: str = ClueDestination.DISCIPLINE, transferred: bool = True):
    k = fs.clue_register(
        user=w.team_member, inspection=inspection, subject_name="李某", summary="虚报冒领", destination=destination
    )
    if transferred:
        k = fs.clue_transfer(user=w.team_leader, clue=k, transferred_on=D(2026, 4, 1))
    return k


def leave_and_feed_back(w: World, inspection: Inspection) -> Inspection:
    inspection = cs.inspection_leave(user=w.team_leader, inspection=inspection, on=LEFT)
    return rs.inspection_feed_back(user=w.team_leader, inspection=inspection, feedback_date=FED_BACK)


def measure(w: World, problem, *, deadline=PAST_DEADLINE, organization=None):
    """A measure the unit adds. Its liaison works for 青石镇; elsewhere the office acts for the unit."""
    return rs.measure_add(
        user=w.liaison if organization is None else w.office,
        problem=problem,
        content="整改措施",
        responsible_unit=organization or w.township,
        responsible_person="王主任",
        deadline=deadline,
    )


def verify(w: World, measure, verdict: str):
    """The unit reports the measure done, with evidence; the office gives its verdict."""
    measure = rs.measure_report(
        user=w.office, measure=measure, progress="已完成", files=[SimpleUploadedFile("证明.pdf", PDF)]
    )
    return rs.measure_verify(user=w.office, measure=measure, verdict=verdict, note="验收意见")


def sanction(w: World, inspection: Inspection, kind: str, person: str, *, user=None, **kw):
    return fs.sanction_record(
        user=user or w.discipline,
        inspection=inspection,
        kind=kind,
        person_name=person,
        decided_on=D(2026, 8, 1),
        **kw,
    )


def build_i1(w: World) -> Inspection:
    i1 = on_site(w)  # 青石镇
    for n in range(3):
        petition(w, i1, subject=f"信访{n + 1}")
    fs.petition_withdraw(user=w.team_leader, petition=i1.petitions.last(), reason="重复登记")

    p1 = approve(w, draft_problem(w, i1, "问题A", "A01"))
    approve(w, draft_problem(w, i1, "问题B", "B01"))
    approve(w, draft_problem(w, i1, "问题C", "C01"))
    p4 = approve(w, draft_problem(w, i1, "登记错误的问题", "A01"))
    for problem in (p1, p4):
        fs.immediate_notice_issue(
            user=w.team_leader,
            problem=problem,
            issued_on=D(2026, 3, 12),
            deadline=D(2026, 3, 20),
            requirement="立即整改",
        )
    fs.problem_withdraw(user=w.team_leader, problem=p4, reason="重复登记")

    k1, k2 = clue(w, i1), clue(w, i1)
    k3 = clue(w, i1, ClueDestination.ORG_DEPT)
    clue(w, i1, transferred=False)
    fs.clue_withdraw(user=w.team_leader, clue=clue(w, i1, transferred=False), reason="并入其他线索")
    fs.clue_dispose(user=w.discipline, clue=k1, disposition=Disposition.CASE_OPENED, disposed_on=D(2026, 6, 1))
    fs.clue_dispose(user=w.discipline, clue=k2, disposition=Disposition.LETTER_INQUIRY, disposed_on=D(2026, 6, 1))
    for kind in (SanctionKind.PARTY_DISCIPLINE, SanctionKind.GOVERNMENT, SanctionKind.JUDICIAL):
        sanction(w, i1, kind, "李某", source=SanctionSource.CLUE, clue=k1)
    sanction(w, i1, SanctionKind.PARTY_DISCIPLINE, "王某", source=SanctionSource.CLUE, clue=k2)
    for _ in range(2):
        sanction(w, i1, SanctionKind.ORGANIZATIONAL, "张某", user=w.orgdept, source=SanctionSource.CLUE, clue=k3)
    sanction(w, i1, SanctionKind.ORGANIZATIONAL, "赵某", user=w.office, source=SanctionSource.HANDOVER)

    items = [
        rs.handover_item_create(
            user=w.team_leader,
            inspection=i1,
            title=f"转交事项{n + 1}",
            department="区自然资源局",
            handed_over_on=D(2026, 4, 1),
            deadline=PAST_DEADLINE,
        )
        for n in range(3)
    ]
    rs.handover_item_close(user=w.office, item=items[0], closed_on=D(2026, 5, 1), result="已办结")

    i1 = leave_and_feed_back(w, i1)
    a, b, c = i1.problems.live().order_by("number")
    sanction(w, i1, SanctionKind.GOVERNMENT, "钱某", user=w.office, source=SanctionSource.RECTIFICATION, problem=b)
    verify(w, measure(w, a), rs.Verdict.ACCEPT)
    accepted, sent_back, spare = measure(w, b), measure(w, b), measure(w, b)
    verify(w, accepted, rs.Verdict.ACCEPT)
    verify(w, sent_back, rs.Verdict.SEND_BACK)  # past its deadline and not done: overdue
    rs.measure_withdraw(user=w.office, measure=spare, reason="与其他措施重复")
    verify(w, measure(w, c), rs.Verdict.ONGOING)
    for title in ("村务公开制度", "财务审批制度"):
        rs.rule_record(user=w.liaison, inspection=i1, title=title, kind=RuleKind.NEW, adopted_on=D(2026, 6, 1))
    return i1


def build(w: World) -> Figures:
    i1 = build_i1(w)

    i2 = on_site(w, w.village, mode=InspectionMode.CROSS)
    approve(w, draft_problem(w, i2, "村级问题", "A01"))
    for _ in range(3):
        clue(w, i2)
    petition(w, i2)

    i3 = on_site(w, w.township_b)
    for title in ("西山问题1", "西山问题2"):
        approve(w, draft_problem(w, i3, title, "A01"))
    petition(w, i3)
    clue(w, i3)
    i3 = leave_and_feed_back(w, i3)
    verify(w, measure(w, i3.problems.live().order_by("number").first(), organization=w.township_b), rs.Verdict.ACCEPT)

    i4 = on_site(w, w.district_a)
    i5 = create_inspection(w, w.community)
    i6 = cs.inspection_withdraw(user=w.office, inspection=create_inspection(w, w.district_b), reason="计划调整")

    round2 = Round.objects.create(term=w.term, number=2, name="第二轮", start_date=D(2026, 5, 1))
    team2 = Team.objects.create(round=round2, number=1, name="第一巡察组")
    for member in w.team.members.all():
        TeamMember.objects.create(team=team2, person=member.person, role=member.role, source=member.source)
    i7 = cs.inspection_create(
        user=w.office, round=round2, team=team2, organization=w.township, mode=InspectionMode.LOOK_BACK, earlier=i1
    )
    i7 = cs.inspection_enter(user=w.team_leader, inspection=i7, on=D(2026, 6, 1))
    approve(w, draft_problem(w, i7, "整改不到位", "A01"))
    cs.inspection_leave(user=w.team_leader, inspection=i7, on=D(2026, 6, 15))
    round2 = cs.round_close(user=w.office, round=round2, on=D(2026, 6, 20))
    return Figures(i1=i1, i2=i2, i3=i3, i4=i4, i5=i5, i6=i6, i7=i7, round2=round2)
