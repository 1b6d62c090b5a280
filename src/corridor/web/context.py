"""What every endpoint shares, held by one app (never a module global): the settings, the job
list, and the network, demand and slow answers loaded once and kept for the app's life."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from corridor.errors import RequestError
from corridor.settings import Settings
from corridor.web.jobs import Jobs

__all__ = ["NAME_PATTERN", "Ctx", "WebContext", "web_context"]

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
"""What a scenario name may look like: never a path."""

T = TypeVar("T")


class WebContext:
    """One app's shared state: settings, jobs, and answers computed once (the network, the
    demand, the baseline loads, the criticality ranking), each built by the first request that
    needs it while the others wait."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs = Jobs(settings.results_path)
        self._kept: dict[Any, Any] = {}
        self._lock = threading.RLock()

    def kept(self, key: Any, build: Callable[[], T]) -> T:
        """The answer kept under ``key``, built by ``build`` the first time."""
        with self._lock:
            if key not in self._kept:
                self._kept[key] = build()
            return self._kept[key]  # type: ignore[no-any-return]

    def network(self) -> Any:
        from corridor.network import load_network

        return self.kept("network", load_network)

    def demand(self) -> Any:
        from corridor.flow import load_demand

        return self.kept("demand", lambda: load_demand(self.network()))

    def saved(self) -> dict[str, str]:
        from corridor.store import saved_scenarios

        return saved_scenarios(self.settings.results_path)

    def scenario_yaml(self, name: str) -> str:
        """A built-in or saved scenario's YAML text, as written."""
        from corridor.scenario import builtin_scenarios, read_yaml_text

        self._check_name(name)
        builtin, saved = builtin_scenarios(), self.saved()
        if name in builtin:
            return read_yaml_text(builtin[name], "scenario")
        if name in saved:
            return saved[name]
        raise RequestError(f"no scenario {name!r}; expected one of {', '.join(sorted({*builtin, *saved}))}")

    def scenario(self, name: str) -> Any:
        """A built-in or saved scenario, its ``extends`` chain resolved and checked on the network."""
        from corridor.scenario import builtin_scenarios, load_scenario, scenario_from_yaml

        self._check_name(name)
        if name in builtin_scenarios():
            return load_scenario(name, self.network())
        text = self.scenario_yaml(name)
        return scenario_from_yaml(text, file=name, network=self.network(), known=self.saved())

    @staticmethod
    def _check_name(name: str) -> None:
        import re

        if not re.match(NAME_PATTERN, name):
            raise RequestError(f"scenario {name[:80]!r}: expected a scenario name (letters, digits, '-', '_')")


def web_context(request: Request) -> WebContext:
    """The app's :class:`WebContext` (a FastAPI dependency)."""
    return request.app.state.context  # type: ignore[no-any-return]


Ctx = Annotated[WebContext, Depends(web_context)]
