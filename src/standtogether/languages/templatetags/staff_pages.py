"""Template filters asking cases/policy.py which partnership pages a member may open (for the staff nav)."""

from __future__ import annotations

from django import template

from standtogether.cases import policy

register = template.Library()


@register.filter
def may_open(member, page: str) -> bool:
    return policy.can_open(member, page)


@register.filter
def may_translate(member) -> bool:
    return policy.can_translate(member)
