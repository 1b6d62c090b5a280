"""Maps: the outlines that ship with the package, and the PNG a route map writes."""

from __future__ import annotations

import numpy as np
import pytest

from corridor import shortest_route
from corridor.network import load_countries
from corridor.plot import plot_routes

PNG = b"\x89PNG\r\n\x1a\n"


def test_country_outlines_ship_with_the_package():
    countries = {c.name: c for c in load_countries()}
    assert len(countries) > 200
    kz = np.vstack(countries["Kazakhstan"].rings)
    lon_min, lat_min = kz.min(axis=0)
    lon_max, lat_max = kz.max(axis=0)
    assert 45 < lon_min < 48 and 86 < lon_max < 88
    assert 40 < lat_min < 41.5 and 55 < lat_max < 56


def test_rings_do_not_jump_across_the_antimeridian():
    for country in load_countries():
        for ring in country.rings:
            assert np.abs(np.diff(ring[:, 0])).max(initial=0) < 180, country.name


def test_plot_routes_writes_a_png(tmp_path, eurasia):
    routes = {
        "cheapest": shortest_route(eurasia, "Xi'an", "Duisburg"),
        "without RU/BY": shortest_route(eurasia, "Xi'an", "Duisburg", avoid=["RU", "BY"], by="time"),
    }
    target = plot_routes(eurasia, routes, tmp_path / "maps" / "route.png", title="test", shade_countries=["RU", "BY"])
    data = target.read_bytes()
    assert data[:8] == PNG
    assert len(data) > 50_000
    assert sorted(p.name for p in target.parent.iterdir()) == ["route.png"]


def test_failed_write_leaves_nothing_behind(tmp_path, eurasia, monkeypatch):
    from matplotlib.figure import Figure

    def disk_full(self, *args, **kwargs):
        with open(args[0], "wb") as f:  # half a file, as a full disk would leave
            f.write(PNG)
        raise OSError("No space left on device")

    monkeypatch.setattr(Figure, "savefig", disk_full)
    route = shortest_route(eurasia, "Xi'an", "Duisburg")
    with pytest.raises(OSError, match="No space left"):
        plot_routes(eurasia, [route], tmp_path / "route.png")
    assert list(tmp_path.iterdir()) == []


def test_utilisation_map(tmp_path, eurasia):
    from corridor.analysis import impact
    from corridor.flow import load_demand
    from corridor.plot import plot_utilisation
    from corridor.scenario import load_scenario

    result = impact(eurasia, load_demand(eurasia), load_scenario("cpc-court-2022", eurasia), period="month")
    loads = result.disrupted.link_loads()
    assert {"link", "commodity", "volume", "utilisation"} <= set(loads.columns)
    target = plot_utilisation(eurasia, {"before": result.baseline.link_loads(), "after": loads}, tmp_path / "u.png")
    assert target.read_bytes()[:8] == PNG
