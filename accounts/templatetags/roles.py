from django import template

register = template.Library()


@register.filter
def has_role(user, roles: str) -> bool:
    """`{% if user|has_role:"office_admin,leader" %}`"""
    return user.is_authenticated and user.has_role(*roles.split(","))


# Badge colours by meaning: grey not started, blue in progress, amber waiting on someone,
# green done, red overdue or sent back.
STATE_CLASSES = {
    "planned": "text-bg-secondary",
    "on_site": "text-bg-primary",
    "left": "text-bg-info",
    "fed_back": "text-bg-warning",
    "closed": "text-bg-success",
    "draft": "text-bg-secondary",
    "handler_signed": "text-bg-info",
    "deputy_signed": "text-bg-info",
    "approved": "text-bg-primary",
    "rectified": "text-bg-success",
    "ongoing": "text-bg-success",
    "reported": "text-bg-warning",
    "sent_back": "text-bg-danger",
    "accepted": "text-bg-success",
}


@register.filter
def state_class(status: str) -> str:
    return STATE_CLASSES.get(status, "text-bg-secondary")
