"""The tables of workflow steps (findings/steps.py, rectification/steps.py): every row pairs a
service with its own check, and every row is served at its address under its name."""

import pytest
from django.urls import resolve, reverse

from findings.steps import STEPS as FINDINGS_STEPS
from rectification.steps import STEPS as RECTIFICATION_STEPS

TABLES = {"findings": FINDINGS_STEPS, "rectification": RECTIFICATION_STEPS}
ROWS = [(app, step) for app, steps in TABLES.items() for step in steps]


@pytest.mark.parametrize(("app", "step"), ROWS, ids=[step.name for _app, step in ROWS])
def test_each_step_checks_with_its_own_service_check_and_is_served_under_its_name(app, step):
    if step.call.__name__ != "<lambda>":  # an adapter names the service inside it
        assert step.check.__name__ in (
            f"{step.call.__name__}_check",
            f"{step.call.__name__.removesuffix('_update')}_check",
        )
    assert step.check.__module__.split(".")[0] in ("campaigns", "findings", "rectification")
    path = reverse(f"{app}:{step.name}", args=[7])
    assert resolve(path).url_name == step.name


def test_no_two_steps_share_a_name_or_an_address():
    names = [f"{app}:{step.name}" for app, step in ROWS]
    routes = [step.route for _app, step in ROWS]
    assert len(set(names)) == len(names)
    assert len(set(routes)) == len(routes)
