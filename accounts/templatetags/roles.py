from django import template

register = template.Library()


@register.filter
def has_role(user, roles: str) -> bool:
    """`{% if user|has_role:"office_admin,leader" %}`"""
    return user.is_authenticated and user.has_role(*roles.split(","))
