"""The role × URL matrix (DESIGN.md §1, §5): every named URL, as every principal, GET and POST.

EXPECTED holds, per URL name and address variant, the outcome for each principal; the default
"*" is the most common outcome. A URL in the configuration without a row here fails the suite,
and so does a row for a URL that no longer exists. To print the observed matrix (to review a
change, never to paste blindly): MATRIX_WRITE=/tmp/matrix.py pytest tests/web/test_url_matrix.py
"""

import os
import pprint

import pytest

from tests.web.url_matrix import (
    ADDRESSES,
    Principals,
    classify,
    compress,
    expand,
    make_fixtures,
    observe,
    principal_users,
    sign_in,
    url_names,
)

pytestmark = pytest.mark.django_db

EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    "accounts:password_change": {
        "": {
            "GET": "login: anonymous | 200: *",
            "POST": "login: anonymous | 200: *",
        },
    },
    "accounts:session_end": {
        "": {
            "GET": "login: anonymous | 405: *",
            "POST": "login: anonymous | 404: *",
        },
    },
    "accounts:sessions": {
        "": {
            "GET": "login: anonymous | 200: *",
            "POST": "login: anonymous | 200: *",
        },
    },
    "accounts:sessions_end_others": {
        "": {
            "GET": "login: anonymous | 405: *",
            "POST": "login: anonymous | 302: *",
        },
    },
    "campaigns:inspection_create": {
        "": {
            "GET": "200: office office_a office_b | login: anonymous | 403: *",
            "POST": "200: office office_a office_b | login: anonymous | 403: *",
        },
    },
    "campaigns:inspection_list": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "campaigns:organization_list": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "campaigns:person_list": {
        "": {
            "GET": "200: office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "campaigns:round_list": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "campaigns:team_detail": {
        "A": {
            "GET": "200: leader leader_b office office_a office_b team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader leader_b office office_a office_b team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "campaigns:team_list": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "campaigns:team_member_add": {
        "A": {
            "GET": "405: *",
            "POST": "400: office | 403: leader leader_b office_a office_b team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "campaigns:team_member_check": {
        "A": {
            "GET": "200: office | 403: leader leader_b office_a office_b team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: office | 403: leader leader_b office_a office_b team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "campaigns:term_list": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "documents:document_download": {
        "clue.docx": {
            "GET": "200: discipline leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: discipline leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "feedback.docx": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "documents:document_generate": {
        "A.I": {
            "GET": "login: anonymous | 405: *",
            "POST": "302: office | 403: leader liaison office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.c_disc": {
            "GET": "login: anonymous | 405: *",
            "POST": "302: office | 403: discipline leader office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.notice": {
            "GET": "login: anonymous | 405: *",
            "POST": "302: office | 403: leader office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.supervision": {
            "GET": "login: anonymous | 405: *",
            "POST": "302: office | 403: leader liaison office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "documents:document_page": {
        "A.I": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.c_disc": {
            "GET": "200: discipline leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: discipline leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.notice": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.supervision": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:clue_create": {
        "A.K": {
            "GET": "200: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
            "POST": "400: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
        },
    },
    "findings:clue_detail": {
        "A.c_disc": {
            "GET": "200: discipline leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: discipline leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.c_draft": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.c_org": {
            "GET": "200: leader office office_a orgdept team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a orgdept team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:clue_dispose": {
        "A.k_clue": {
            "GET": "200: discipline | 403: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: discipline | 403: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:clue_list": {
        "": {
            "GET": "403: liaison liaison_b nobody superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "findings:clue_sanction": {
        "A.c_disc": {
            "GET": "200: discipline | 403: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: discipline | 403: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:clue_transfer": {
        "A.c_draft": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "findings:clue_withdraw": {
        "A.c_draft": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "findings:common_detail": {
        "k_a": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:common_list": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "findings:notice_complete": {
        "A.k_notice": {
            "GET": "200: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
            "POST": "400: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
        },
    },
    "findings:notice_issue": {
        "A.k_draft": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "findings:petition_create": {
        "A.K": {
            "GET": "200: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
            "POST": "400: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
        },
    },
    "findings:petition_detail": {
        "A.petition": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:petition_list": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "findings:petition_withdraw": {
        "A.k_petition": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "findings:problem_create": {
        "A.K": {
            "GET": "200: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
            "POST": "400: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
        },
    },
    "findings:review_note_add": {
        "A.k_draft": {
            "GET": "200: office office_a team_deputy team_leader | 403: leader team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_deputy team_leader | 403: leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:review_note_answer": {
        "A.k_note": {
            "GET": "200: team_member | 403: leader office office_a team_deputy team_leader | login: anonymous | 404: *",
            "POST": "400: team_member | 403: leader office office_a team_deputy team_leader | login: anonymous | 404: *",
        },
    },
    "findings:review_note_clear": {
        "A.k_note": {
            "GET": "200: team_deputy | 403: leader office office_a team_leader team_member | login: anonymous | 404: *",
            "POST": "400: team_deputy | 403: leader office office_a team_leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:review_notes_mine": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "findings:review_notes_to_answer": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "findings:team_review_notes": {
        "A": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | 404: b_deputy b_leader b_member other_inspector | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "findings:team_review_summary": {
        "A": {
            "GET": "200: leader leader_b office office_a office_b team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "405: *",
        },
    },
    "findings:problem_edit": {
        "A.k_draft": {
            "GET": "200: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
            "POST": "400: office office_a team_deputy team_leader team_member | 403: leader | login: anonymous | 404: *",
        },
    },
    "findings:problem_list": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "302: office office_a office_b | login: anonymous | 403: *",
        },
    },
    "findings:problem_return": {
        "A.k_draft": {
            "GET": "302: office office_a team_deputy team_leader | 403: leader team_member | login: anonymous | 404: *",
            "POST": "302: office office_a team_deputy team_leader | 403: leader team_member | login: anonymous | 404: *",
        },
    },
    "findings:problem_sign": {
        "approve": {
            "GET": "405: *",
            "POST": "302: team_leader | 403: leader office office_a team_deputy team_member | login: anonymous | 404: *",
        },
        "sign-deputy": {
            "GET": "405: *",
            "POST": "302: team_deputy team_leader | 403: leader office office_a team_member | login: anonymous | 404: *",
        },
        "sign-handler": {
            "GET": "405: *",
            "POST": "302: team_member | 403: leader office office_a team_deputy team_leader | login: anonymous | 404: *",
        },
    },
    "findings:problem_withdraw": {
        "A.k_draft": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "healthz": {
        "": {
            "GET": "200: *",
            "POST": "405: *",
        },
    },
    "home": {
        "": {
            "GET": "302: leader leader_b liaison liaison_b | login: anonymous | 200: *",
            "POST": "302: leader leader_b liaison liaison_b | login: anonymous | 200: *",
        },
    },
    "login": {
        "": {
            "GET": "200: *",
            "POST": "200: *",
        },
    },
    "logout": {
        "": {
            "GET": "405: *",
            "POST": "login: *",
        },
    },
    "rectification:evaluation_create": {
        "A.I": {
            "GET": "200: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:evidence_download": {
        "A.e_open": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:handover_close": {
        "A.handover": {
            "GET": "200: office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:handover_create": {
        "A.I": {
            "GET": "200: office office_a team_leader | 403: leader liaison team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader liaison team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "rectification:handover_list": {
        "": {
            "GET": "403: discipline discipline_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "rectification:inspection_close": {
        "A.I": {
            "GET": "302: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "302: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:inspection_detail": {
        "A.I": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.K": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:inspection_enter": {
        "A.K": {
            "GET": "302: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "302: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "rectification:inspection_feed_back": {
        "A.K": {
            "GET": "302: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "302: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "rectification:inspection_leave": {
        "A.K": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
        },
    },
    "rectification:inspection_withdraw": {
        "A.K": {
            "GET": "302: office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "302: office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:measure_add": {
        "A.p_open": {
            "GET": "200: liaison office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: liaison office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:measure_detail": {
        "A.m_open": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:measure_list": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "302: office office_a office_b | login: anonymous | 403: *",
        },
    },
    "rectification:measure_report": {
        "A.m_open": {
            "GET": "302: liaison office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "302: liaison office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:measure_verify": {
        "A.m_open": {
            "GET": "200: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:measure_withdraw": {
        "A.m_open": {
            "GET": "200: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:problem_detail": {
        "A.k_draft": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
        "A.p_open": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:rule_create": {
        "A.I": {
            "GET": "200: liaison office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: liaison office office_a | 403: leader team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:supervision_create": {
        "A.I": {
            "GET": "200: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "400: office office_a | 403: leader liaison team_deputy team_leader team_member | login: anonymous | 404: *",
        },
    },
    "rectification:supervision_list": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "rectification:unit_home": {
        "": {
            "GET": "200: liaison liaison_b | login: anonymous | 403: *",
            "POST": "200: liaison liaison_b | login: anonymous | 403: *",
        },
    },
    "reports:audit": {
        "": {
            "GET": "200: office office_a office_b | login: anonymous | 403: *",
            "POST": "200: office office_a office_b | login: anonymous | 403: *",
        },
    },
    "reports:dashboard": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
        },
    },
    "reports:export_inspection_list": {
        "clues": {
            "GET": "login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "handover": {
            "GET": "login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "petitions": {
            "GET": "login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "problem_list": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "problems": {
            "GET": "login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "rectification": {
            "GET": "login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "responsibility_list": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "supervision": {
            "GET": "login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
        "task_list": {
            "GET": "200: leader liaison office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "login: anonymous | 405: *",
        },
    },
    "reports:export_job": {
        "running": {
            "GET": "200: office | login: anonymous | 404: *",
            "POST": "200: office | login: anonymous | 404: *",
        },
    },
    "reports:export_job_download": {
        "done": {
            "GET": "200: office | login: anonymous | 404: *",
            "POST": "200: office | login: anonymous | 404: *",
        },
    },
    "reports:export_ledger": {
        "clues": {
            "GET": "200: discipline discipline_b leader leader_b office office_a office_b orgdept | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "handover": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "petitions": {
            # Leaders read petitions as pages and as files alike (docs/decisions.md, issue 12).
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "problem_list": {
            "GET": "login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "problems": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "rectification": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "responsibility_list": {
            "GET": "login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "supervision": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "task_list": {
            "GET": "login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
    },
    "reports:export_statistics": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
    },
    "reports:figures_json": {
        "": {
            "GET": "200: leader leader_b office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
    },
    "reports:import_confirm": {
        "organizations": {
            "GET": "login: anonymous | 405: *",
            "POST": "400: office office_a office_b | login: anonymous | 403: *",
        },
        "problems": {
            "GET": "login: anonymous | 405: *",
            "POST": "403: discipline discipline_b leader leader_b liaison liaison_b nobody orgdept superuser | login: anonymous | 400: *",
        },
    },
    "reports:import_template": {
        "organizations": {
            "GET": "200: office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 405: *",
        },
        "problems": {
            "GET": "403: discipline discipline_b leader leader_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "login: anonymous | 405: *",
        },
    },
    "reports:import_upload": {
        "organizations": {
            "GET": "200: office office_a office_b | login: anonymous | 403: *",
            "POST": "400: office office_a office_b | login: anonymous | 403: *",
        },
        "problems": {
            "GET": "403: discipline discipline_b leader leader_b liaison liaison_b nobody orgdept superuser | login: anonymous | 200: *",
            "POST": "403: discipline discipline_b leader leader_b liaison liaison_b nobody orgdept superuser | login: anonymous | 400: *",
        },
    },
    "reports:read_log": {
        "": {
            "GET": "200: office office_a office_b | login: anonymous | 403: *",
            "POST": "login: anonymous | 403: *",
        },
    },
    "reports:reminders": {
        "": {
            "GET": "login: anonymous | 200: *",
            "POST": "login: anonymous | 200: *",
        },
    },
    "set_language": {
        "": {
            "GET": "302: *",
            "POST": "302: *",
        },
    },
}


def test_every_url_of_the_configuration_has_a_row_and_every_row_a_url():
    names = url_names()
    assert sorted(names - set(ADDRESSES)) == [], "URLs without a rule in tests/web/url_matrix.py"
    assert sorted(set(ADDRESSES) - names) == [], "rules for URLs that no longer exist"
    assert sorted(names - set(EXPECTED)) == [], "URLs without expected outcomes in EXPECTED"


GROUPS = {
    "planning_and_reports": (
        "healthz",
        "login",
        "logout",
        "set_language",
        "accounts:",
        "home",
        "reports:",
        "campaigns:",
    ),
    "findings": ("findings:",),
    "rectification": ("rectification:",),
    "documents": ("documents:",),
}


@pytest.mark.parametrize("group", GROUPS)
def test_each_principal_gets_exactly_the_expected_outcome(scene, group):
    fixtures = make_fixtures(scene)
    principals = Principals(principal_users(scene))
    names = sorted(n for n in ADDRESSES if n.startswith(GROUPS[group]))
    observed: dict[str, dict[str, dict[str, str]]] = {}
    wrong = []
    for name in names:
        for variant, path in ADDRESSES[name](fixtures).items():
            seen = observe(principals, path)
            observed.setdefault(name, {})[variant] = {m: compress(seen[m]) for m in ("GET", "POST")}
            want = EXPECTED.get(name, {}).get(variant)
            if want is None:
                wrong.append(f"{name} [{variant}] has no expected row")
                continue
            for method in ("GET", "POST"):
                expected = expand(want[method])
                diff = {k: (expected[k], seen[method][k]) for k in expected if expected[k] != seen[method][k]}
                if diff:
                    wrong.append(f"{method} {path} ({name} [{variant}]): expected→got {diff}")
    if os.environ.get("MATRIX_WRITE"):
        with open(f"{os.environ['MATRIX_WRITE']}.{group}", "w") as out:
            out.write(pprint.pformat(observed, width=160, sort_dicts=True))
    assert not wrong, "\n".join(wrong)


# --- Rules the table must obey, whatever it says (DESIGN.md §1, §5) ----------------------------

PLACE_B = ("office_b", "leader_b", "b_leader", "b_deputy", "b_member", "liaison_b", "discipline_b")
ROLELESS = ("nobody", "superuser")  # a superuser administers the system; it is no office staff
GRANTED = {"200", "302", "400"}
CONFIDENTIAL = ("findings:petition", "findings:clue", "rectification:evidence")
# Record addresses: a record of place A in the path (everything but lists and fixed pages).
RECORD_URLS = {name for name in EXPECTED if any(v for v in EXPECTED[name])} - {
    "reports:export_ledger",
    "reports:import_upload",
    "reports:import_template",
    "reports:import_confirm",
    "reports:export_job",
    "reports:export_job_download",
    "findings:problem_sign",
    # Team A belongs to the city's round: the city's plan, which both districts' offices read.
    "campaigns:team_detail",
    # …and its review notes' pages, which show office_b and leader_b none of place A's notes.
    "findings:team_review_notes",
    "findings:team_review_summary",
}


def outcomes(name: str):
    for variant, methods in EXPECTED[name].items():
        for method, spec in methods.items():
            yield variant, method, expand(spec)


def test_place_b_never_reaches_a_record_of_place_a():
    leaks = [
        (name, variant, method, who, got)
        for name in RECORD_URLS | {"findings:problem_sign"}
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if who in PLACE_B and got in GRANTED
    ]
    assert not leaks


def test_confidential_records_are_never_confirmed_to_exist_by_a_refusal():
    """Outside the circle a petition, a clue or a piece of evidence is "not found", never
    "forbidden": a 403 would tell that the number exists."""
    confirmations = [
        (name, variant, method, who)
        for name in EXPECTED
        if name.startswith(CONFIDENTIAL) and not name.endswith(("_list", "_create"))
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if got == "403" and who not in ("leader",) and who not in TEAM_SIDE_A
    ]
    assert not confirmations


TEAM_SIDE_A = ("office", "office_a", "team_leader", "team_deputy", "team_member")


def test_unit_liaisons_never_open_a_petition_or_a_clue():
    opened = [
        (name, variant, method, who)
        for name in EXPECTED
        if name.startswith(("findings:petition", "findings:clue")) or name.endswith(("petitions", "clues"))
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if who.startswith("liaison") and got in GRANTED
    ]
    opened += [
        ("reports:export_ledger", key, method, who)
        for key in ("petitions", "clues")
        for method, spec in EXPECTED["reports:export_ledger"][key].items()
        for who, got in expand(spec).items()
        if who.startswith("liaison") and got in GRANTED
    ]
    assert not opened


def test_roleless_accounts_and_visitors_get_nothing_but_the_public_pages():
    public = {"healthz", "login", "logout", "set_language"}
    # One's own sessions, password and reminders: every signed-in account has them.
    own_account = {name for name in EXPECTED if name.startswith("accounts:")} | {"reports:reminders"}
    reached = [
        (name, variant, method, who, got)
        for name in set(EXPECTED) - public - own_account
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if who in (*ROLELESS, "anonymous") and got in GRANTED and name != "home"
    ]
    assert not reached
    for _variant, _method, table in outcomes("home"):
        assert table["anonymous"] == "login"


def test_the_admin_site_is_for_superusers_and_staff_only(scene, client):
    from django.contrib import admin

    users = principal_users(scene)
    wrong = []
    for model in admin.site._registry:
        opts = model._meta
        path = f"/admin/{opts.app_label}/{opts.model_name}/"
        for key, user in users.items():
            sign_in(client, user)
            got = classify(client.get(path))
            want = "200" if key == "superuser" else "login"
            if got != want:
                wrong.append((path, key, want, got))
    assert not wrong
