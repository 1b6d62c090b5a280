"""The web app: ``corridor serve`` runs it. A JSON API over the library (one library call per
endpoint) and one offline map page; like :mod:`corridor.cli`, a thin shell the library never
imports.

* :mod:`corridor.web.app`: :func:`create_app`, the endpoints, the safety rules (names never
  paths, a body cap, static files only from the package);
* :mod:`corridor.web.geo`: GeoJSON of outlines, the network and routes;
* :mod:`corridor.web.jobs`: long runs in a thread, polled by job id.
"""

from corridor.web.app import MAX_BODY, NAME, create_app

__all__ = ["MAX_BODY", "NAME", "create_app"]
