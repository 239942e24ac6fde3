"""The expected outcome of every named URL for every principal, first half by name (tests/web/test_url_matrix.py
explains the notation and how to print the observed matrix)."""

EXPECTED_A: dict[str, dict[str, dict[str, str]]] = {
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
    "findings:petition_attachment": {
        "A.petition": {
            "GET": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
            "POST": "200: leader office office_a team_deputy team_leader team_member | login: anonymous | 404: *",
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
            "POST": "302: b_deputy b_leader b_member office office_a office_b other_inspector team_deputy team_leader team_member | login: anonymous | 403: *",
        },
    },
    "findings:problem_return": {
        "A.k_draft": {
            "GET": "302: office office_a team_deputy team_leader | 403: leader team_member | login: anonymous | 404: *",
            "POST": "302: office office_a team_deputy team_leader | 403: leader team_member | login: anonymous | 404: *",
        },
    },
}
