"""problem_settle: a fed-back problem's state follows its live measures, through measure_verify
and measure_withdraw (DESIGN.md §2.7: rectified when all measures are accepted)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from findings.models import ProblemStatus
from rectification import services as rs
from rectification.models import MeasureStatus
from tests.world import D, approve, draft_problem, fed_back, on_site

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def problem(world):
    return fed_back(world, problems=1).problems.get()


def reported(world, problem, content="措施"):
    measure = rs.measure_add(
        user=world.liaison,
        problem=problem,
        content=content,
        responsible_unit=world.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )
    return rs.measure_report(
        user=world.liaison, measure=measure, progress="已完成", files=[SimpleUploadedFile("a.pdf", PDF)]
    )


def verdict(world, measure, v, note="意见"):
    return rs.measure_verify(user=world.office, measure=measure, verdict=v, note=note)


def status_of(problem):
    problem.refresh_from_db()
    return problem.status


def test_all_measures_accepted_rectifies_the_problem(world, problem):
    first, second = reported(world, problem), reported(world, problem)
    verdict(world, first, rs.Verdict.ACCEPT)
    assert status_of(problem) == ProblemStatus.FED_BACK
    verdict(world, second, rs.Verdict.ACCEPT)
    assert status_of(problem) == ProblemStatus.RECTIFIED
    assert problem.rectified_on == max(timezone.localdate(), problem.fed_back_on)
    row = problem.history.first()
    assert (row.history_user, row.history_change_reason) == (world.office, "整改状态：已整改")


def test_one_measure_sent_back_keeps_the_problem_fed_back(world, problem):
    first, second = reported(world, problem), reported(world, problem)
    verdict(world, first, rs.Verdict.ACCEPT)
    verdict(world, second, rs.Verdict.SEND_BACK)
    assert status_of(problem) == ProblemStatus.FED_BACK
    assert problem.rectified_on is None


def test_one_measure_ongoing_makes_the_problem_ongoing(world, problem):
    first, second = reported(world, problem), reported(world, problem)
    verdict(world, first, rs.Verdict.ACCEPT)
    verdict(world, second, rs.Verdict.ONGOING)
    assert status_of(problem) == ProblemStatus.ONGOING
    assert problem.rectified_on is not None


def test_a_measure_still_reported_keeps_the_problem_fed_back(world, problem):
    first, _second = reported(world, problem), reported(world, problem)
    verdict(world, first, rs.Verdict.ACCEPT)
    assert status_of(problem) == ProblemStatus.FED_BACK


def test_withdrawing_the_last_open_measure_settles_the_problem(world, problem):
    done, open_ = reported(world, problem), reported(world, problem)
    verdict(world, done, rs.Verdict.ACCEPT)
    rs.measure_withdraw(user=world.office, measure=open_, reason="与措施1重复")
    assert status_of(problem) == ProblemStatus.RECTIFIED
    row = problem.history.first()
    assert (row.history_user, row.history_change_reason) == (world.office, "整改状态：已整改")


def test_withdrawing_the_only_measure_of_a_rectified_problem_reopens_it(world, problem):
    measure = reported(world, problem)
    verdict(world, measure, rs.Verdict.ACCEPT)
    assert status_of(problem) == ProblemStatus.RECTIFIED
    rs.measure_withdraw(user=world.office, measure=measure, reason="措施不实")
    assert status_of(problem) == ProblemStatus.FED_BACK
    assert problem.rectified_on is None


def test_withdrawing_an_open_measure_leaves_an_unfinished_problem_fed_back(world, problem):
    reported(world, problem)
    planned = rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="另一措施",
        responsible_unit=world.township,
        responsible_person="王",
        deadline=D(2026, 6, 30),
    )
    rs.measure_withdraw(user=world.office, measure=planned, reason="合并")
    assert status_of(problem) == ProblemStatus.FED_BACK


def test_a_problem_without_measures_stays_fed_back(world, problem):
    assert rs.problem_settle(user=world.office, problem=problem).status == ProblemStatus.FED_BACK
    assert problem.history.count() == 5  # settling changed nothing, so nothing was recorded


def test_settling_leaves_a_problem_not_yet_fed_back_alone(world):
    problem = approve(world, draft_problem(world, on_site(world)))
    assert rs.problem_settle(user=world.office, problem=problem).status == ProblemStatus.APPROVED


def test_a_sent_back_measure_accepted_on_resubmission_rectifies_the_problem(world, problem):
    first, second = reported(world, problem), reported(world, problem)
    verdict(world, first, rs.Verdict.SEND_BACK)
    verdict(world, second, rs.Verdict.ACCEPT)
    assert status_of(problem) == ProblemStatus.FED_BACK
    first = rs.measure_report(user=world.liaison, measure=first, progress="已补充")
    verdict(world, first, rs.Verdict.ACCEPT)
    assert status_of(problem) == ProblemStatus.RECTIFIED
    assert set(problem.measures.values_list("status", flat=True)) == {MeasureStatus.ACCEPTED}
