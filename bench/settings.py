"""The project's settings, with sessions in the shared cache (Redis db 12) instead of the database.

The benchmark reads a province database it must not write to; a session row per login would be a
write. A cache session costs one Redis GET per request instead of one indexed SELECT, which is
within the noise of what is measured here.
"""

from xuncha.settings import *  # noqa: F401,F403

SESSION_ENGINE = "django.contrib.sessions.backends.cache"
