"""Records in the states their documents need, built with the real services."""

import io

from docx import Document as read_docx

from findings import services as fs
from findings.models import ClueDestination, Problem
from rectification import services as rs
from tests.world import D, approve, draft_problem, fed_back, on_site


def feedback_inspection(w, problems: int = 2):
    return fed_back(w, problems=problems)


def notice(w):
    inspection = on_site(w)
    problem = approve(w, draft_problem(w, inspection, title="食堂账目混乱"))
    return fs.immediate_notice_issue(
        user=w.team_leader,
        problem=problem,
        issued_on=D(2026, 3, 15),
        deadline=D(2026, 3, 30),
        requirement="立即清理食堂账目\n建立台账",
    )


def clue(w, *, transferred: bool = True, inspection=None):
    inspection = inspection or on_site(w)
    c = fs.clue_register(
        user=w.team_leader,
        inspection=inspection,
        subject_name="张某",
        subject_position="镇财政所所长",
        summary="违规发放津贴补贴",
        destination=ClueDestination.DISCIPLINE,
    )
    if transferred:
        c = fs.clue_transfer(user=w.team_leader, clue=c, transferred_on=D(2026, 3, 20))
    return c


def supervision(w, inspection, kind: str = "notice", content: str = "整改进度滞后"):
    return rs.supervision_record(
        user=w.office, inspection=inspection, kind=kind, acted_on=D(2026, 6, 1), content=content
    )


def texts(data: bytes) -> list[str]:
    """The body paragraphs of a .docx, read back with python-docx."""
    return [p.text for p in read_docx(io.BytesIO(data)).paragraphs]


def problem(inspection, number: int) -> Problem:
    return Problem.objects.get(inspection=inspection, number=number)
