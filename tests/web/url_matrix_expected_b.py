"""The expected outcome of every named URL for every principal, second half by name (tests/web/test_url_matrix.py
explains the notation and how to print the observed matrix)."""

EXPECTED_B: dict[str, dict[str, dict[str, str]]] = {
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
    "rectification:inspection_announcement": {
        "A.K": {
            "GET": "200: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
            "POST": "400: office office_a team_leader | 403: leader team_deputy team_member | login: anonymous | 404: *",
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
    # 码上巡察: no login. A.K is on site (an empty POST misses the question: 400); A.I was fed
    # back, so its page is closed (410) to everyone. The QR images are GET only.
    "public:petition_page": {
        "A.I": {"GET": "410: *", "POST": "410: *"},
        "A.K": {"GET": "200: *", "POST": "400: *"},
    },
    "public:petition_query": {"": {"GET": "200: *", "POST": "400: *"}},
    "public:qr_png": {"A.K": {"GET": "200: *", "POST": "405: *"}},
    "public:qr_svg": {"A.K": {"GET": "200: *", "POST": "405: *"}},
    "public:announcement_print": {"A.K": {"GET": "200: *", "POST": "405: *"}},
}
