"""`{% relay_routes %}`: the partnership's text relay and BSL video relay routes, from configuration.

A tag rather than view context, so every page that needs the routes (support, accessibility statement,
the journey's contact step) shows the same list without its view knowing about it.
"""

from __future__ import annotations

from django import template

from standtogether.partners.models import RelayRoute

register = template.Library()


@register.inclusion_tag("public/_relay.html")
def relay_routes(heading: bool = True) -> dict:
    routes = RelayRoute.objects.filter(active=True, agency__active=True).select_related("agency")
    return {"routes": [route for route in routes if route.url or route.number], "heading": heading}
