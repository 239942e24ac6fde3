"""The imports there are, by the key in their URL and on the command line."""

from .engine import ImportKind
from .organizations import OrganizationImport
from .problems import ProblemImport

KINDS: dict[str, ImportKind] = {kind.key: kind for kind in (OrganizationImport(), ProblemImport())}
