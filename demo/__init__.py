"""Demo data for `manage.py seed_demo`: an invented city (清河市) and a term of inspection work.

Everything here is fictional: place names are invented and person names are drawn at random
from surname and given-name lists. The generator uses one `random.Random(seed)` and a fixed
"today", so the same seed always gives the same data.
"""
