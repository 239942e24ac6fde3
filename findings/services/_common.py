"""What every findings write needs: the team is still working the inspection."""

from django.core.exceptions import ValidationError

from campaigns.models import Inspection, InspectionStatus
from xuncha.records import lock, require_live

# While the team works the inspection (on site, or writing up after leaving).
WORKING = (InspectionStatus.ON_SITE, InspectionStatus.LEFT)


def _require_working(inspection: Inspection, what: str) -> None:
    require_live(inspection)
    if inspection.status not in WORKING:
        raise ValidationError(f"巡察当前状态为“{inspection.get_status_display()}”，不能{what}。")


def _locked_inspection(inspection: Inspection) -> Inspection:
    # Locks the parent so two people numbering records at once get different numbers.
    return lock(inspection)
