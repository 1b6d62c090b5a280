"""``corridor demo``: the questions of 2022 asked of the built-in network, as tables and maps.

1. Containers from Xi'an to Duisburg: the Northern route, the Middle Corridor and the sea route
   via Suez, side by side.
2. The same with Russia and Belarus barred.
3. Kazakh crude from Tengiz to world markets, by each export outlet, with and without the CPC.
4. The 2022 disruptions replayed week by week on the 2021 demand.
5. The top ten single points of failure (N-1 criticality) and a ranked bar chart.
Each table is one library call (:func:`corridor.analysis.compare_routes`); the maps come from
:func:`corridor.plot.plot_routes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from corridor.analysis import Option, Outcome, compare_routes
from corridor.cli import _shell as sh
from corridor.cli._render import capacity_text, console, money
from corridor.network import Network
from corridor.routing import Route

CHINA_ORIGIN = "Xi'an"
EUROPE_DESTINATION = "Duisburg"
CONTAINER_OPTIONS = (
    Option("Northern (Russia, Belarus)", via=("northern_rail",)),
    Option("Middle Corridor (Caspian)", via=("caspian_crossing",)),
    Option("Sea via Suez", via=("suez_canal",)),
)
CRUDE_ORIGIN = "Tengiz"
CRUDE_MARKETS = "crude_markets"
CRUDE_OPTIONS = (
    Option("CPC to Novorossiysk", via=("cpc_moorings",)),
    Option("Atyrau-Samara (Transneft)", via=("ru_atyrau_samara",)),
    Option("Aktau-Makhachkala tankers", via=("cs_aktau_makhachkala_tanker",)),
    Option("Aktau-Baku tankers and BTC", via=("btc",)),
    Option("Rail and ferry to Batumi", via=("batumi_handling",)),
    Option("Kazakhstan-China pipeline", via=("kz_atasu_alashankou",)),
)


def _table(title: str, outcomes: Sequence[Outcome], unit: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("option", f"USD/{unit}", "days", "km", "countries", "capacity (bottleneck)", "to"):
        table.add_column(col, justify="right" if col in (f"USD/{unit}", "days", "km") else "left", overflow="fold")
    for out in outcomes:
        r = out.route
        if r is None:
            reason = (out.reason or "").split(": ", 1)[-1]
            table.add_row(out.option.label, "-", "-", "-", f"[red]no route[/]: {reason}", "", "")
            continue
        table.add_row(
            out.option.label,
            money(r.cost_usd),
            f"{r.time_days:.1f}",
            f"{r.distance_km:,.0f}",
            "-".join(r.countries),
            capacity_text(r),
            r.nodes[-1],
        )
    return table


def _routes(outcomes: Sequence[Outcome]) -> dict[str, Route]:
    return {o.option.label: o.route for o in outcomes if o.route is not None}


def run_demo(network: Network, out: Path) -> None:
    """Print the demo tables and write the maps into ``out``."""
    from corridor.plot import plot_routes

    out.mkdir(parents=True, exist_ok=True)
    normal = compare_routes(network, CHINA_ORIGIN, EUROPE_DESTINATION, CONTAINER_OPTIONS)
    console.print(
        _table(
            f"1. Containers {CHINA_ORIGIN} to {EUROPE_DESTINATION}, cheapest route per corridor (per TEU)",
            normal,
            "TEU",
        )
    )
    barred = compare_routes(network, CHINA_ORIGIN, EUROPE_DESTINATION, CONTAINER_OPTIONS, avoid=["RU", "BY"])
    console.print(_table("2. The same with transit through Russia and Belarus barred", barred, "TEU"))
    best = compare_routes(
        network,
        CHINA_ORIGIN,
        EUROPE_DESTINATION,
        [Option("best without RU/BY, by time")],
        by="time",
        avoid=["RU", "BY"],
    )
    if best[0].route is not None:
        r = best[0].route
        console.print(
            f"   fastest without Russia and Belarus: {r.time_days:.1f} days, {money(r.cost_usd)} USD/TEU, "
            f"via {'-'.join(r.countries)}\n"
        )

    with_cpc = compare_routes(network, CRUDE_ORIGIN, CRUDE_MARKETS, CRUDE_OPTIONS, commodity="crude_oil")
    console.print(_table("3. Kazakh crude from Tengiz to world markets, by outlet (per tonne)", with_cpc, "t"))
    without = compare_routes(network, CRUDE_ORIGIN, CRUDE_MARKETS, CRUDE_OPTIONS, commodity="crude_oil", avoid=["cpc"])
    console.print(_table("4. The same with the CPC shut (pipeline and moorings)", without, "t"))
    open_outlets = sum(o.route is not None for o in without)
    console.print(
        f"   Without the CPC, {open_outlets} of {len(without)} outlets stay open. The capacity column is each "
        "route's own bottleneck; outlets share links (Aktau, the rail lines) and many rail links have no published "
        "capacity, so these do not add up to what could leave: that takes a capacitated assignment.\n",
        highlight=False,
    )
    replays = _replay_2022(network, out)
    replays.append(_single_points_of_failure(network, out))
    maps = [
        plot_routes(
            network,
            _routes(normal),
            out / "containers.png",
            title=f"Containers {CHINA_ORIGIN} to {EUROPE_DESTINATION}: three corridors",
        ),
        plot_routes(
            network,
            _routes(barred),
            out / "containers-without-russia-belarus.png",
            title="Containers with Russia and Belarus barred",
            shade_countries=["RU", "BY"],
        ),
        plot_routes(
            network, {**_routes(with_cpc)}, out / "crude-outlets.png", title="Kazakh crude from Tengiz: export outlets"
        ),
    ]
    for path in [*maps, *replays]:
        console.print(f"map written to {path}")


REPLAY_2022 = ("sanctions-2022", "cpc-storm-2022", "cpc-court-2022", "combined-2022", "invest-caspian")


def _replay_2022(network: Network, out: Path) -> list[Path]:
    """5. The 2022 scenarios against the 2021 baseline demand, month by month; utilisation maps."""
    from corridor.analysis import impact
    from corridor.flow import load_demand
    from corridor.plot import plot_utilisation
    from corridor.scenario import load_scenario

    demand = load_demand(network)
    table = Table(title="5. Replaying 2022 on the 2021 demand, week by week: each disruption's own cost, apart from "
                  "the market it met (volumes over each scenario's horizon)", title_justify="left")  # fmt: skip
    for col in (
        "scenario",
        "weeks",
        "disruption cost",
        "of it in queues",
        "market",
        "stranded TEU",
        "stranded crude",
        "top bottleneck (rent change)",
        "largest shift",
    ):
        table.add_column(col, overflow="fold")
    pictures = []
    results = {}
    with sh.Progress("2022 replays") as advance:
        for i, name in enumerate(REPLAY_2022):
            advance(i, len(REPLAY_2022))
            results[name] = impact(network, demand, load_scenario(name, network), period="week")
        advance(len(REPLAY_2022), len(REPLAY_2022))
    for name in REPLAY_2022:
        result = results[name]
        stranded = result.disrupted.stranded()
        top = result.bottlenecks.iloc[0] if not result.bottlenecks.empty else None
        shift = result.corridors.reindex(result.corridors["moved"].abs().sort_values(ascending=False).index).head(1)
        shift_text = (
            f"{shift.iloc[0]['group']} {shift.iloc[0]['commodity']} {shift.iloc[0]['moved']:+,.0f}"
            if len(shift)
            else ""
        )
        table.add_row(
            name,
            str(len(result.disrupted.periods)),
            f"{result.disruption_cost_usd / 1e6:,.0f} M USD",
            f"{(result.disrupted.queue_cost_usd - result.reference.queue_cost_usd) / 1e6:+,.0f} M",
            f"{result.market_cost_usd / 1e6:+,.0f} M",
            f"{stranded.get('container', 0.0):,.0f}",
            f"{stranded.get('crude_oil', 0.0) / 1e6:,.2f} Mt",
            "" if top is None else _top_bottleneck(top.to_dict()),
            shift_text,
        )
        if name in ("combined-2022", "cpc-court-2022"):
            pictures.append(
                plot_utilisation(
                    network,
                    {"2021 demand, no disruption": result.baseline.link_loads(), name: result.disrupted.link_loads()},
                    out / f"utilisation-{name}.png",
                    title=f"Link loads and utilisation: {name}",
                )
            )
    console.print(table)
    return pictures


def _single_points_of_failure(network: Network, out: Path) -> Path:
    """6. Every link, node and asset group closed in turn (N-1) on the 2021 demand: the top ten."""
    from corridor.cli._render import print_criticality
    from corridor.flow import load_demand
    from corridor.plot import plot_criticality
    from corridor.sweep import SweepOptions, criticality

    # serial: on a network this small the sweep takes less than starting worker processes
    with sh.Progress("closures") as advance:
        result = criticality(network, load_demand(network), options=SweepOptions(progress=advance))
    print_criticality(
        result, top=10, title="6. Single points of failure: each element closed for a year (N-1), top ten"
    )
    return plot_criticality(result.distinct(), out / "single-points-of-failure.png")


def _top_bottleneck(top: Mapping[Any, Any]) -> str:
    """A bottleneck's change in rent, with what makes the rent: the dual in its own unit, or the
    queue's wait where the waits are most of it (a queue rations by waiting, not by price)."""
    if top["queue_cost_usd"] > top["scarcity_rent_usd"]:
        why = f"a queue of {top['wait_h']:,.0f} h"
    else:
        why = f"{money(top['shadow_price_usd'])} USD per {top['dimension']}-year"
    return f"{top['element']} ({top['rent_change_usd'] / 1e6:+,.0f} M USD; {why})"
