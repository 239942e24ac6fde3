"""Removing the domain data (and the accounts that hold roles in it) before seeding again.

The rows go with plain `DELETE` statements, children before parents: going through the ORM
would write one "deleted" history row per record, which is slow and pointless for a reset.
History rows of the deleted records go too. The problem taxonomy is kept (a migration seeds it).
"""

from django.apps import apps
from django.db import connection
from django.db.models import Q

from accounts.models import User

from .base import DEMO_USERNAMES

DOMAIN_APPS = ("accounts", "campaigns", "findings", "rectification", "reports")
KEEP = {"findings.problemcategory", "findings.historicalproblemcategory"}


def domain_models() -> list:
    """Every table to empty, ordered so that a table goes before the tables it points at."""
    user_tables = {User._meta.db_table} | {f.remote_field.through._meta.db_table for f in User._meta.many_to_many}
    models = [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.label_lower not in KEEP
        and model._meta.db_table not in user_tables
        and model._meta.managed
        and not model._meta.proxy
    ]
    ordered, placed = [], set()
    while len(ordered) < len(models):
        progressed = False
        for model in models:
            if model in placed:
                continue
            # Wait while another unplaced model still points at this one.
            pointed_at = any(
                other not in placed and other is not model and _points_at(other, model) for other in models
            )
            if not pointed_at:
                ordered.append(model)
                placed.add(model)
                progressed = True
        if not progressed:  # a cycle: constraints are deferred to commit anyway
            ordered += [m for m in models if m not in placed]
            break
    return ordered


def _points_at(model, target) -> bool:
    return any(
        f.is_relation and f.related_model is target and getattr(f, "db_constraint", True)
        for f in model._meta.concrete_fields
    )


def flush_domain() -> int:
    """Empty the domain tables and delete every account but other superusers; rows deleted."""
    deleted = 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in domain_models():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
            deleted += max(cursor.rowcount, 0)
    count, _by_model = User.objects.filter(Q(is_superuser=False) | Q(username__in=DEMO_USERNAMES)).delete()
    return deleted + count
