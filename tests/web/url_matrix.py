"""The machinery of the role × URL matrix (tests/web/test_url_matrix.py).

Every named URL of the URL configuration gets one or more concrete addresses here (a record of
place A of tests/accounts/scene.py, in the state its step needs; every key of a slug). Each
address is requested by every principal — the matrix users, an anonymous visitor and a
superuser — with GET and with an empty POST (rolled back), and each response is classified:
"200", "400", "403", "404", "405", "302" (a redirect), "login" (sent to the login page).
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from campaigns.models import Inspection
from documents.models import Document
from documents.selectors import document_source
from documents.services import document_generate
from findings.models import Clue, Petition, PetitionAttachment, ReadLog
from reports.imports.kinds import KINDS
from reports.ledgers import LEDGERS
from reports.models import ExportJob
from tests.accounts.scene import USERS, Scene

PRINCIPALS = (*USERS, "anonymous", "superuser")
# The Django admin is its own site with its own rule (staff only), checked per model page.
OUTSIDE = {"admin"}


def url_names() -> set[str]:
    """Every named URL of the configuration, as "namespace:name" (admin's own excluded)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in OUTSIDE:
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


@dataclass
class Fixtures:
    scene: Scene
    job_done: ExportJob
    job_running: ExportJob
    feedback_letter: Document
    clue_letter: Document
    attachment: PetitionAttachment


def make_fixtures(scene: Scene) -> Fixtures:
    office = scene.users["office"]
    done = ExportJob.objects.create(
        user=office, ledger="problems", status=ExportJob.Status.DONE, filename="问题台账.xlsx"
    )
    done.file.save("matrix.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    running = ExportJob.objects.create(user=office, ledger="problems", status=ExportJob.Status.RUNNING)
    # Issued documents (the generate rows then find these records already issued: POST hands
    # the same document back, so the office's answer is a redirect to its page).
    letters = [
        document_generate(user=office, source=document_source(office, slug, pk(scene, key, label)))
        for slug, key, label in (DOCUMENT_SOURCES[0], DOCUMENT_SOURCES[3])
    ]
    # A public petition's attachment, on place A's petition (it came in on paper, but a file is a file).
    attachment = PetitionAttachment(
        petition_id=pk(scene, "petitions", "A.petition"),
        original_name="照片.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    attachment.file.save("matrix", ContentFile(b"%PDF-1.4\n"))
    return Fixtures(
        scene=scene,
        job_done=done,
        job_running=running,
        feedback_letter=letters[0],
        clue_letter=letters[1],
        attachment=attachment,
    )


def pk(scene: Scene, model_key: str, label: str) -> int:
    return scene.pks[model_key][label]


# name -> function of the fixtures giving {variant: path}
Addresses = Callable[[Fixtures], dict[str, str]]


def one(path: Callable[[Fixtures], str]) -> Addresses:
    return lambda f: {"": path(f)}


def record(fmt: str, model_key: str, label: str) -> Addresses:
    return lambda f: {label: fmt.format(pk=pk(f.scene, model_key, label))}


def fixed(path: str) -> Addresses:
    return lambda f: {"": path}


def public(fmt: str, label: str) -> Addresses:
    """An address of an inspection's public page (码上巡察), named by its token."""
    return lambda f: {
        label: fmt.format(token=Inspection.objects.get(pk=pk(f.scene, "inspections", label)).public_token)
    }


ADDRESSES: dict[str, Addresses] = {
    # Public
    "healthz": fixed("/healthz"),
    "login": fixed("/login/"),
    "logout": fixed("/logout/"),
    "set_language": fixed("/i18n/setlang/"),
    # Account
    "accounts:sessions": fixed("/account/sessions/"),
    "accounts:session_end": one(lambda f: "/account/sessions/999999/end/"),
    "accounts:sessions_end_others": fixed("/account/sessions/end-others/"),
    "accounts:password_change": fixed("/account/password/"),
    # Home, figures, reminders, audit
    "home": fixed("/"),
    "reports:dashboard": fixed("/dashboard/"),
    "reports:figures_json": fixed("/reports/figures.json"),
    "reports:reminders": fixed("/reminders/"),
    "reports:audit": fixed("/audit/"),
    "reports:read_log": fixed("/audit/reads/"),
    # Excel out
    "reports:export_statistics": fixed("/exports/statistics/"),
    "reports:export_ledger": lambda f: {key: f"/exports/{key}/" for key in LEDGERS},
    "reports:export_inspection_list": lambda f: {
        key: f"/inspections/{pk(f.scene, 'inspections', 'A.I')}/lists/{key}/" for key in LEDGERS
    },
    "reports:export_job": lambda f: {"running": f"/exports/jobs/{f.job_running.pk}/"},
    "reports:export_job_download": lambda f: {"done": f"/exports/jobs/{f.job_done.pk}/download/"},
    # Excel in
    "reports:import_upload": lambda f: {key: f"/imports/{key}/" for key in KINDS},
    "reports:import_template": lambda f: {key: f"/imports/{key}/template.xlsx" for key in KINDS},
    "reports:import_confirm": lambda f: {key: f"/imports/{key}/confirm/" for key in KINDS},
    # Planning
    "campaigns:inspection_list": fixed("/inspections/"),
    "campaigns:inspection_create": fixed("/inspections/new/"),
    "campaigns:organization_list": fixed("/organizations/"),
    "campaigns:term_list": fixed("/terms/"),
    "campaigns:round_list": fixed("/rounds/"),
    "campaigns:team_list": fixed("/teams/"),
    "campaigns:team_detail": record("/teams/{pk}/", "teams", "A"),
    "campaigns:team_member_check": record("/teams/{pk}/check/", "teams", "A"),
    "campaigns:team_member_add": record("/teams/{pk}/members/", "teams", "A"),
    "campaigns:person_list": fixed("/people/"),
    # Findings
    "findings:problem_list": fixed("/problems/"),
    "findings:problem_sign": lambda f: {
        "sign-handler": f"/problems/{pk(f.scene, 'problems', 'A.k_draft')}/sign/sign-handler/",
        "sign-deputy": f"/problems/{pk(f.scene, 'problems', 'A.k_draft')}/sign/sign-deputy/",
        "approve": f"/problems/{pk(f.scene, 'problems', 'A.k_draft')}/sign/approve/",
    },
    "findings:problem_edit": record("/problems/{pk}/edit/", "problems", "A.k_draft"),
    "findings:problem_return": record("/problems/{pk}/return/", "problems", "A.k_draft"),
    "findings:problem_withdraw": record("/problems/{pk}/withdraw/", "problems", "A.k_draft"),
    "findings:notice_issue": record("/problems/{pk}/notice/", "problems", "A.k_draft"),
    "findings:notice_complete": record("/notices/{pk}/complete/", "notices", "A.k_notice"),
    "findings:petition_list": fixed("/petitions/"),
    "findings:petition_detail": record("/petitions/{pk}/", "petitions", "A.petition"),
    "findings:petition_attachment": lambda f: {"A.petition": f"/petition-attachments/{f.attachment.pk}/"},
    "findings:petition_withdraw": record("/petitions/{pk}/withdraw/", "petitions", "A.k_petition"),
    "findings:clue_list": fixed("/clues/"),
    "findings:clue_detail": lambda f: {
        label: f"/clues/{pk(f.scene, 'clues', label)}/" for label in ("A.c_disc", "A.c_org", "A.c_draft")
    },
    "findings:clue_transfer": record("/clues/{pk}/transfer/", "clues", "A.c_draft"),
    "findings:clue_dispose": record("/clues/{pk}/dispose/", "clues", "A.k_clue"),
    "findings:clue_sanction": record("/clues/{pk}/sanction/", "clues", "A.c_disc"),
    "findings:clue_withdraw": record("/clues/{pk}/withdraw/", "clues", "A.c_draft"),
    "findings:common_list": fixed("/common-problems/"),
    "findings:common_detail": record("/common-problems/{pk}/", "common_problems", "k_a"),
    "findings:problem_create": record("/inspections/{pk}/problems/new/", "inspections", "A.K"),
    "findings:petition_create": record("/inspections/{pk}/petitions/new/", "inspections", "A.K"),
    "findings:clue_create": record("/inspections/{pk}/clues/new/", "inspections", "A.K"),
    "findings:review_note_add": record("/problems/{pk}/review-notes/new/", "problems", "A.k_draft"),
    "findings:review_note_answer": record("/review-notes/{pk}/answer/", "review_notes", "A.k_note"),
    "findings:review_note_clear": record("/review-notes/{pk}/clear/", "review_notes", "A.k_note"),
    "findings:review_notes_mine": fixed("/review-notes/mine/"),
    "findings:review_notes_to_answer": fixed("/review-notes/to-answer/"),
    "findings:team_review_notes": record("/teams/{pk}/review-notes/", "teams", "A"),
    "findings:team_review_summary": record("/teams/{pk}/review-notes/summary/", "teams", "A"),
    # Rectification
    "rectification:inspection_detail": lambda f: {
        label: f"/inspections/{pk(f.scene, 'inspections', label)}/" for label in ("A.I", "A.K")
    },
    "rectification:inspection_enter": record("/inspections/{pk}/enter/", "inspections", "A.K"),
    "rectification:inspection_leave": record("/inspections/{pk}/leave/", "inspections", "A.K"),
    "rectification:inspection_announcement": record("/inspections/{pk}/announcement/", "inspections", "A.K"),
    "rectification:inspection_feed_back": record("/inspections/{pk}/feed-back/", "inspections", "A.K"),
    "rectification:inspection_close": record("/inspections/{pk}/close/", "inspections", "A.I"),
    "rectification:inspection_withdraw": record("/inspections/{pk}/withdraw/", "inspections", "A.K"),
    "rectification:handover_create": record("/inspections/{pk}/handover/new/", "inspections", "A.I"),
    "rectification:supervision_create": record("/inspections/{pk}/supervision/new/", "inspections", "A.I"),
    "rectification:evaluation_create": record("/inspections/{pk}/evaluation/new/", "inspections", "A.I"),
    "rectification:rule_create": record("/inspections/{pk}/rules/new/", "inspections", "A.I"),
    "rectification:problem_detail": lambda f: {
        label: f"/problems/{pk(f.scene, 'problems', label)}/" for label in ("A.p_open", "A.k_draft")
    },
    "rectification:measure_add": record("/problems/{pk}/measures/new/", "problems", "A.p_open"),
    "rectification:measure_list": fixed("/measures/"),
    "rectification:measure_detail": record("/measures/{pk}/", "measures", "A.m_open"),
    "rectification:measure_report": record("/measures/{pk}/report/", "measures", "A.m_open"),
    "rectification:measure_verify": record("/measures/{pk}/verify/", "measures", "A.m_open"),
    "rectification:measure_withdraw": record("/measures/{pk}/withdraw/", "measures", "A.m_open"),
    "rectification:evidence_download": record("/evidence/{pk}/", "evidence", "A.e_open"),
    "rectification:handover_list": fixed("/handover/"),
    "rectification:handover_close": record("/handover/{pk}/close/", "handover_items", "A.handover"),
    "rectification:supervision_list": fixed("/supervision/"),
    "rectification:unit_home": fixed("/my-unit/"),
    # 码上巡察: public, no login (A.K is on site, A.I fed back: its page is closed)
    "public:petition_page": lambda f: {
        **public("/public/{token}/", "A.K")(f),
        **public("/public/{token}/", "A.I")(f),
    },
    "public:petition_query": fixed("/public/query/"),
    "public:qr_png": public("/public/{token}/qr.png", "A.K"),
    "public:qr_svg": public("/public/{token}/qr.svg", "A.K"),
    "public:announcement_print": public("/public/{token}/announcement/", "A.K"),
    # Official documents: the page of each kind of record, and the issued files
    "documents:document_page": lambda f: _document_addresses(f, "/documents/{slug}/{pk}/"),
    "documents:document_generate": lambda f: _document_addresses(f, "/documents/{slug}/{pk}/generate/"),
    "documents:document_download": lambda f: {
        "feedback.docx": f"/documents/issued/{f.feedback_letter.pk}/docx/",
        "clue.docx": f"/documents/issued/{f.clue_letter.pk}/docx/",
    },
}

# (slug, model key, label): a fed-back inspection, a notice, a reminder and a transferred clue of place A.
DOCUMENT_SOURCES = (
    ("inspection", "inspections", "A.I"),
    ("immediate-notice", "notices", "A.notice"),
    ("supervision", "supervision_actions", "A.supervision"),
    ("clue", "clues", "A.c_disc"),
)


def _document_addresses(f: "Fixtures", fmt: str) -> dict[str, str]:
    return {label: fmt.format(slug=slug, pk=pk(f.scene, key, label)) for slug, key, label in DOCUMENT_SOURCES}


def classify(response) -> str:
    if response.status_code in (301, 302, 303):
        return "login" if response["Location"].startswith(("/login/", "/admin/login/")) else "302"
    return str(response.status_code)


def principal_users(scene: Scene) -> dict[str, User | None]:
    users: dict[str, User | None] = {key: scene.users[key] for key in USERS}
    users["anonymous"] = None
    users["superuser"] = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "root", "root@example.org", "Root-pass-2026!"
    )
    return users


def sign_in(client, user: User | None) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


class Principals:
    """One signed-in test client per principal, kept for a whole test (signing in again only
    when a step ended the session, e.g. logging out)."""

    def __init__(self, users: dict[str, User | None]):
        from django.test import Client

        self.users = users
        self.clients = {key: Client() for key in users}
        self.cookies: dict[str, str] = {}
        for key in users:
            self._sign_in(key)

    def _sign_in(self, key: str) -> None:
        sign_in(self.clients[key], self.users[key])
        cookie = self.clients[key].cookies.get(settings.SESSION_COOKIE_NAME)
        self.cookies[key] = cookie.value if cookie else ""

    def client(self, key: str):
        """The principal's client, signed in again if the last request ended or replaced its
        session (the session cookie changed: read from the cookie jar, not the database)."""
        client = self.clients[key]
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if self.users[key] is not None and (cookie.value if cookie else "") != self.cookies[key]:
            self._sign_in(key)
        return client


def confidential_texts() -> tuple[str, ...]:
    """What only a petition or a clue says: a petition's content, a clue's main problem."""
    return (
        *Petition.objects.values_list("content", flat=True),
        *Clue.objects.values_list("summary", flat=True),
    )


def body_text(response) -> str:
    """The text a response shows: a page's HTML, or the XML inside an .xlsx or .docx."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "".join(package.read(n).decode("utf-8", "replace") for n in package.namelist() if n.endswith(".xml"))
    return data.decode("utf-8", "replace")  # a page, or a stand-in file (the export job's fixture)


def observe(principals: Principals, path: str, unlogged: list[str] | None = None) -> dict[str, dict[str, str]]:
    """{method: {principal: outcome}} for one address; every POST is rolled back. With
    `unlogged`, each GET answer that shows a petition's or a clue's confidential text and wrote
    no read-log row is added to it (issue 22: every way to read one writes the read log)."""
    seen: dict[str, dict[str, str]] = {"GET": {}, "POST": {}}
    secrets = confidential_texts() if unlogged is not None else ()
    # Each request's rows are rolled back, so the last row before them is the same for all; a
    # row written by a request has a higher id (PostgreSQL's sequences are not rolled back;
    # SQLite takes the rolled-back id again, still higher).
    last = (ReadLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) if secrets else 0
    for key in principals.users:
        client = principals.client(key)
        with transaction.atomic():
            response = client.get(path)
            seen["GET"][key] = classify(response)
            if secrets and response.status_code == 200 and any(secret in body_text(response) for secret in secrets):
                if not ReadLog.objects.filter(pk__gt=last).exists():
                    unlogged.append(f"{key}: GET {path}")
            transaction.set_rollback(True)
        client = principals.client(key)
        with transaction.atomic():
            seen["POST"][key] = classify(client.post(path, {}))
            transaction.set_rollback(True)
    return seen


def compress(outcomes: dict[str, str]) -> str:
    """{"office": "200", "leader": "200", …} -> "200: leader office | 404: *" (the most
    common outcome as the default "*")."""
    by: dict[str, list[str]] = {}
    for key in PRINCIPALS:
        by.setdefault(outcomes[key], []).append(key)
    default = max(by, key=lambda o: len(by[o]))
    parts = [f"{o}: {' '.join(sorted(keys))}" for o, keys in sorted(by.items()) if o != default]
    return " | ".join([*parts, f"{default}: *"])


def expand(spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    default = None
    for part in spec.split("|"):
        outcome, _, who = part.strip().partition(":")
        who = who.strip()
        if who == "*":
            default = outcome.strip()
            continue
        for key in who.split():
            assert key in PRINCIPALS, f"unknown principal {key!r}"
            assert key not in out, f"{key} twice in {spec!r}"
            out[key] = outcome.strip()
    assert default is not None, f"no default (*) in {spec!r}"
    return {key: out.get(key, default) for key in PRINCIPALS}
