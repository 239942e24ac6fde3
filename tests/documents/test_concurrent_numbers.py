"""Document numbers under concurrency (PostgreSQL, real threads and connections): N documents
generated at the same moment get 1..N, no gap and no repeat; two clicks on the same record at
the same moment give one document.

SQLite serialises every write on the whole file, so there is nothing to race there; the
numbering itself is tested on both databases in test_generate.py."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from documents import services as ds
from documents.models import Document, DocumentCounter, DocumentKind
from documents.selectors import document_source
from tests.documents.helpers import supervision
from tests.findings.test_concurrent_edits import race  # real threads, one connection each
from tests.world import build_world, fed_back

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only (CI's second run)"),
]
N = 8


def test_simultaneous_allocations_give_one_to_n_without_gap_or_repeat():
    w = build_world()
    year = timezone.localdate().year

    def allocate():
        with transaction.atomic():
            return ds.document_number_allocate(issuer=w.city, kind=DocumentKind.REMINDER, year=year)

    results = race(*[allocate] * N)
    assert sorted(results) == list(range(1, N + 1)), results
    assert DocumentCounter.objects.get(issuer=w.city, kind=DocumentKind.REMINDER, year=year).last == N


def test_simultaneous_documents_for_different_records_are_numbered_one_to_n():
    w = build_world()
    inspection = fed_back(w, problems=1)
    actions = [supervision(w, inspection, content=f"第{i + 1}次督办") for i in range(N)]

    def generate(action):
        return lambda: ds.document_generate(user=w.office, source=document_source(w.office, "supervision", action.pk))

    results = race(*[generate(a) for a in actions])
    assert all(isinstance(r, Document) for r in results), results
    assert sorted(r.number for r in results) == list(range(1, N + 1))
    assert Document.objects.filter(kind=DocumentKind.SUPERVISION_NOTICE).count() == N


def test_two_clicks_at_once_on_one_record_give_one_document():
    w = build_world()
    inspection = fed_back(w, problems=1)

    def generate():
        return ds.document_generate(user=w.office, source=document_source(w.office, "inspection", inspection.pk))

    first, second = race(generate, generate)
    assert isinstance(first, Document) and isinstance(second, Document), (first, second)
    assert first.pk == second.pk and first.number == 1
    assert DocumentCounter.objects.get(kind=DocumentKind.FEEDBACK).last == 1
