"""One inspection from creation to a verified rectification, through the services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import InspectionStatus
from findings.models import ProblemStatus
from rectification import services as rs
from rectification.models import MeasureStatus
from tests.world import D, fed_back

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%evidence\n"


def test_an_inspection_goes_from_plan_to_rectified(world):
    inspection = fed_back(world, problems=1)
    assert inspection.status == InspectionStatus.FED_BACK
    assert inspection.rectification_deadline == D(2026, 7, 10)
    problem = inspection.problems.get()
    assert problem.status == ProblemStatus.FED_BACK

    measure = rs.measure_add(
        user=world.liaison,
        problem=problem,
        content="建立村务公开台账",
        responsible_unit=world.township,
        responsible_person="王主任",
        deadline=D(2026, 6, 30),
    )
    upload = SimpleUploadedFile("公开栏照片.pdf", PDF, content_type="text/plain")
    measure = rs.measure_report(user=world.liaison, measure=measure, progress="已公开", files=[upload])
    assert measure.status == MeasureStatus.REPORTED
    evidence = measure.evidence.get()
    assert evidence.content_type == "application/pdf"  # from the content, not the claimed type

    rs.measure_verify(user=world.office, measure=measure, verdict=rs.Verdict.ACCEPT)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFIED
    inspection = rs.inspection_close(user=world.office, inspection=inspection)
    assert inspection.status == InspectionStatus.CLOSED
    assert problem.history.count() >= 6  # drafted, three signatures, fed back, rectified
