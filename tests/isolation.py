"""Each pytest-xdist worker its own Redis database, loaded with `-p tests.isolation` (pyproject).

pytest-django already gives every worker its own test database (test_xuncha_gw0, …); the
broker and the cache named by CELERY_BROKER_URL and CACHE_URL are Redis databases, which two
workers would share: one worker's purge would drop the other's messages, its cache.clear()
the other's keys, and a Celery worker thread of one would run the other's tasks.

This runs when pytest imports the plugin, before pytest-django loads the settings (which read
the environment once). Worker gwN takes the URL's database number minus N: CI's 15 gives 15
and 14 on two cores.
"""

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")


def _own_database(url: str, index: int) -> str:
    match = re.fullmatch(r"(rediss?://[^/]*)(?:/(\d+))?", url)
    if not match:
        return url
    database = int(match.group(2) or 0) - index
    if database < 0:
        raise RuntimeError(f"{url}: too few Redis databases below it for {index + 1} test workers")
    return f"{match.group(1)}/{database}"


if _worker.startswith("gw"):
    for _name in ("CELERY_BROKER_URL", "CACHE_URL"):
        if os.environ.get(_name):
            os.environ[_name] = _own_database(os.environ[_name], int(_worker[2:]))
