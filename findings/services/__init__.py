# ruff: noqa: F401 — this module re-exports the services of its submodules
"""Writes for the findings app, one module per concept:

- `petitions` — 信访件: registering while on site, withdrawing, the public page's submissions;
- `papers` — problems as working papers (底稿): drafting, editing, returning, withdrawing, bulk edits;
- `signoff` — the three-step sign-off, one paper or many at once (`problems_sign_off`);
- `notices` — immediate-rectification notices (立行立改);
- `clues` — clues, their transfer and disposition, sanctions;
- `feedback` — feeding an inspection's approved problems back to the unit.

Callers import from `findings.services`; the modules are how the code is read, not an API."""

from ._common import WORKING
from .clues import (
    clue_dispose,
    clue_dispose_check,
    clue_register,
    clue_register_check,
    clue_sanction_check,
    clue_transfer,
    clue_transfer_check,
    clue_withdraw,
    clue_withdraw_check,
    sanction_record,
)
from .feedback import UNFINISHED_PAPERS, default_deadline, inspection_feed_back, inspection_feed_back_check
from .notices import (
    immediate_notice_complete,
    immediate_notice_complete_check,
    immediate_notice_issue,
    immediate_notice_issue_check,
)
from .papers import (
    common_problem_create,
    problem_draft,
    problem_draft_check,
    problem_return,
    problem_return_check,
    problem_update,
    problem_update_check,
    problem_withdraw,
    problem_withdraw_check,
    problems_draft_many,
    problems_link_common,
    problems_set_category,
)
from .petitions import (
    PUBLIC_ATTACHMENTS_MAX,
    PUBLIC_CONTENT_MAX,
    PublicStatus,
    petition_register,
    petition_register_check,
    petition_submit_public,
    petition_withdraw,
    petition_withdraw_check,
    public_petition_open_check,
    public_petition_status,
)
from .signoff import (
    STEPS,
    problem_approve,
    problem_approve_check,
    problem_sign_deputy,
    problem_sign_deputy_check,
    problem_sign_handler,
    problem_sign_handler_check,
    problems_sign_off,
)
