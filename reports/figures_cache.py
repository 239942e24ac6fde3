"""The figures of a scope, kept in the shared cache until the rollup changes.

Summing the rollup for a province is a few hundred milliseconds of aggregates; the dashboard
asks for several scopes at once and leaders reload it all day. Every answer is cached under a
key made of a *generation* number, the asker's grants, the scope and the date. A rollup write
bumps the generation after it commits (`figures_changed`), so the next request computes afresh
and an edit reaches the dashboard as soon as the worker has recomputed its inspection. The
timeout (FIGURES_CACHE_SECONDS) bounds what the rollup does not see: a round closed, an
organization dissolved.

Off (0) in the embedded default: without Redis each process would have its own cache and its
own generation, and a small database needs no cache.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User

from .figures import Scope, by_group, figures, units_below_threshold

GENERATION_KEY = "xuncha:figures:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Started from the clock, not from 1: if Redis lost the counter, numbers already used
        # in keys that may still be cached are not handed out again.
        cache.add(GENERATION_KEY, int(time.time() * 1000), None)
        value = cache.get(GENERATION_KEY)
    return value


def figures_changed() -> None:
    """The rollup changed: every cached figure is stale. Call it after the write commits."""
    if settings.FIGURES_CACHE_SECONDS <= 0:
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: the first reader starts one
        generation()


def cached(user: User, name: str, scope: Scope, compute: Callable[[], Any], *extra) -> Any:
    """`compute()` for this user and scope, from the cache when the rollup has not changed."""
    if settings.FIGURES_CACHE_SECONDS <= 0:
        return compute()
    grants = sorted((a.role, a.organization.path) for a in user.active_assignments())
    terms = sorted(t.pk for t in scope.terms)
    raw = json.dumps([name, grants, scope.as_params(), terms, str(timezone.localdate()), *extra], default=str)
    key = f"xuncha:figures:{generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.FIGURES_CACHE_SECONDS)
    return value


def cached_figures(user: User, scope: Scope) -> dict:
    return cached(user, "figures", scope, lambda: figures(user, scope))


def cached_by_group(user: User, scope: Scope, key: str, label_field: str) -> list[dict]:
    return cached(user, "by_group", scope, lambda: by_group(user, scope, key, label_field), key, label_field)


def cached_units_below_threshold(user: User, scope: Scope) -> list[dict]:
    return cached(user, "below", scope, lambda: units_below_threshold(user, scope))
