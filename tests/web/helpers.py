"""What the page tests share: signing in, reading a list's rows, finding workflow controls in the
HTML, and the expectations per role (DESIGN.md §1) in the labels of tests/accounts/scene.py."""

import re

from django.contrib.messages import get_messages

from tests.accounts.scene import TEAM_A, TEAM_B, USERS, Scene

# Every control that starts or performs a workflow step: a link or form to a step URL, a
# bulk-action selector. A read-only user must find none of them in any page.
WORKFLOW = re.compile(
    r'(?:href|action|hx-get)="[^"]*/(?:sign|edit|return|withdraw|notice|complete|transfer|dispose|sanction|enter|'
    r'leave|feed-back|close|new|report|verify|members|check)/[^"]*"|name="(?:ids|action)"'
)

# The list pages, by name: URL and the scene's model key of their rows.
LIST_URLS = {
    "inspections": ("/inspections/", "inspections"),
    "problems": ("/problems/", "problems"),
    "petitions": ("/petitions/", "petitions"),
    "clues": ("/clues/", "clues"),
    "measures": ("/measures/", "measures"),
    "handover": ("/handover/", "handover_items"),
    "supervision": ("/supervision/", "supervision_actions"),
    "common": ("/common-problems/", "common_problems"),
    "organizations": ("/organizations/", "organizations"),
    "terms": ("/terms/", "terms"),
    "rounds": ("/rounds/", "rounds"),
    "teams": ("/teams/", "teams"),
    "people": ("/people/", "persons"),
}


def login(client, user) -> None:
    """Sign `user` in, or sign out for None (anonymous)."""
    client.logout()
    if user is not None:
        client.force_login(user)


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def row_pks(response) -> list[int]:
    return [row["obj"].pk for row in response.context["table"]]


def row_labels(scene: Scene, model_key: str, response) -> set[str]:
    return scene.labels_of(model_key, row_pks(response))


def workflow_controls(response) -> set[str]:
    return set(WORKFLOW.findall(html(response)))


def full_read(*labels: str, teams: bool = True) -> dict[str, set[str]]:
    """Office staff and leaders see their place's `labels`, the city both places; each team
    its own place (if `teams`)."""
    both = {f"{p}.{label}" for p in "AB" for label in labels}
    in_a = {f"A.{label}" for label in labels}
    in_b = {f"B.{label}" for label in labels}
    expected = {"office": both, "leader": both, "office_a": in_a, "office_b": in_b, "leader_b": in_b}
    if teams:
        expected |= {user: in_a for user in TEAM_A} | {user: in_b for user in TEAM_B}
        expected["other_inspector"] = set()  # an inspector on no team: an empty list, not a refusal
    return expected


def detail_matrix(scene: Scene, client, model_key: str, url: str) -> dict[str, set[str]]:
    """For every user, the labels of the records whose page opens (200); any other status than
    200 or 404 is reported in the label (a 403 or a 500 on a detail page is a finding)."""
    seen = {}
    for key in USERS:
        login(client, scene.users[key])
        opened = set()
        for label, pk in scene.pks[model_key].items():
            status = client.get(url.format(pk=pk)).status_code
            if status == 200:
                opened.add(label)
            elif status != 404:
                opened.add(f"{label}:{status}")
        seen[key] = opened
    return seen


def expect_all(expected: dict[str, set[str]]) -> dict[str, set[str]]:
    """`expected` for every user of the matrix; users not named open nothing."""
    return {key: expected.get(key, set()) for key in USERS}
