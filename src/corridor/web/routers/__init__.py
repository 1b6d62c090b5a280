"""The API's routers, one per concern; :func:`corridor.web.create_app` includes them all."""

from corridor.web.routers import docs, impact, news, places, routes, scenarios

__all__ = ["docs", "impact", "news", "places", "routes", "scenarios"]
