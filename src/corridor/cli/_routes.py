"""Commands on the network and its routes: ``routes``, ``network show|validate|schema|import-osm``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError

if TYPE_CHECKING:
    from corridor.analysis import CorridorCapacity


@sh.app.command()
def routes(
    origin: str = typer.Argument(..., help="Where the cargo starts: a node id, name, Russian name, alias or group."),
    destination: str = typer.Argument(..., help="Where it goes (same forms as ORIGIN)."),
    commodity: str = typer.Option("container", "--commodity", "-c", help="Commodity id (container, crude_oil)."),
    by: str = typer.Option("cost", "--by", help="What to minimise: cost, time or generalized."),
    k: int = typer.Option(1, "-k", "--k", help="How many routes, best first (loopless)."),
    avoid: list[str] = typer.Option(
        [], "--avoid", help="Countries, modes, links, places or groups to avoid, e.g. RU,BY."
    ),
    via: list[str] = typer.Option([], "--via", help="Places or groups to pass through, in order."),
    pareto: bool = typer.Option(False, "--pareto", help="Every route no other beats on both cost and time."),
    legs: bool = typer.Option(False, "--legs", help="Show (or include in JSON) the figures of each link."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    map_png: Path | None = typer.Option(None, "--map", help="Also draw the routes on a map (.png, .svg or .html)."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Route on the network as a scenario leaves it (built-in name or YAML file)."
    ),
    on: str | None = typer.Option(
        None,
        "--on",
        help="The day, YYYY-MM-DD: the network of that day, and the scenario's state (default: its first day).",
    ),
    year: int | None = sh.YEAR_OPTION,
    segments: bool = typer.Option(
        False,
        "--segments",
        help="Place the whole demand and show how each shipper segment of this pair splits across routes, and why.",
    ),
    samples: int | None = typer.Option(
        None, "--samples", help="With --segments: draws of the assumptions, ranges and drivers."
    ),
    seed: int = typer.Option(1, "--seed", help="Random seed of the draws (with --samples)."),
    executor: str = sh.EXECUTOR_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    tornado: Path | None = sh.TORNADO_OPTION,
    demand_file: Path | None = sh.DEMAND_OPTION,
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """Best routes between two places, with cost, time, distance, countries and sources."""
    from corridor.routing import RouteState, k_shortest_routes, pareto_routes, resolve_route_options

    map_png = sh.figure_path(map_png)
    if samples is not None and not segments:
        raise sh.fail(RequestError("--samples gives ranges to the segments' routes; add --segments"))
    if segments:
        draws = None
        if samples is not None:
            from corridor.cli._ranged import check_samples

            check_samples(samples)
            draws = (samples, sh.sweep_options(executor, None, workers, None, seed=seed), sh.figure_path(tornado))
        _segments(origin, destination, commodity, scenario, on, as_json, data, demand_file, draws)
        return
    net, day = sh.network_of_day(sh.load_network_or_exit(data), on, year)
    avoid_items, via_items = sh.split(avoid), sh.split(via)
    state: RouteState | None = None
    if scenario is not None:
        on = None if day is None else day.isoformat()
        state, net = _scenario_state(net, scenario, on, commodity, origin, destination)
    if pareto and (k != 1 or by != "cost"):
        raise sh.fail(RequestError("--pareto gives every route not beaten on both cost and time; drop -k and --by"))
    if pareto:
        found = sh.guard(
            lambda: pareto_routes(
                net, origin, destination, commodity=commodity, avoid=avoid_items, via=via_items, state=state
            )
        )
    else:
        found = sh.guard(
            lambda: k_shortest_routes(
                net,
                origin,
                destination,
                k=k,
                commodity=commodity,
                by=by,  # type: ignore[arg-type]
                avoid=avoid_items,
                via=via_items,
                state=state,
            )
        )
    if day is not None:
        found = _with_day_waits(found, day, commodity, scenario, data, demand_file)
    if map_png is not None:
        from corridor.plot import plot_routes

        plot_routes(
            net,
            found,
            map_png,
            title=f"{origin} to {destination}",
            shade_countries=resolve_route_options(net, avoid=avoid_items).avoid_countries
            + tuple(c for item in (state.avoid if state else ()) for c in item.countries),
        )
    if as_json:
        sh.emit_json([r.to_dict(legs=legs) for r in found])
        return
    from corridor.cli._render import print_routes

    print_routes(net, found, legs=legs)
    if map_png is not None:
        print(f"map written to {map_png}")


def _segments(origin: str, destination: str, commodity: str, scenario: str | None, on: str | None, as_json: bool,
              data: Path | None, demand_file: Path | None,
              draws: tuple[int, Any, Path | None] | None = None) -> None:  # fmt: skip
    """``routes --segments``: each segment's routes for the pair in the assignment, with cost parts;
    with ``draws`` (samples, sweep options, tornado file), their ranges over draws of the assumptions."""
    import datetime as dt
    import time

    from corridor.analysis.explain import explain_pair
    from corridor.scenario import load_scenario

    net, demand = sh.network_and_demand(data, demand_file)
    chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
    if on is not None and chosen is None:
        raise sh.fail(RequestError("--on names a day of a scenario; give --scenario too"))
    try:
        day = None if on is None else dt.date.fromisoformat(on)
    except ValueError:
        raise sh.fail(RequestError(f"--on is {on!r}; expected a date as YYYY-MM-DD")) from None
    started = time.perf_counter()
    try:
        table = sh.guard(
            lambda: explain_pair(net, demand, origin, destination, commodity=commodity, scenario=chosen, on=day)
        )
    except KeyError as err:
        raise sh.fail(RequestError(f"{err.args[0]}; --segments explains a pair of the demand")) from None
    answer = None
    if draws is not None:
        from corridor.cli._ranged import ranged_segments, tornado_plot

        samples, options, tornado = draws
        answer = ranged_segments(net, demand, (origin, destination, commodity), chosen, day, table, samples=samples,
                                 options=options, data=data, seconds_each=time.perf_counter() - started)  # fmt: skip
        tornado_plot(answer, tornado)
        if as_json:
            sh.emit_json(answer)
            return
    if as_json:
        from corridor.records import json_records

        sh.emit_json(json_records(table))
        return
    from rich.table import Table

    from corridor.cli._render import make_console

    gap = table.attrs.get("equilibrium") or {}
    caption = (
        f"gap to equilibrium: {gap['relative_gap']:.3%} of the cost ({gap['rounds']} LP rounds); over cheapest = "
        "beyond the segment's cheapest route with room"
        if gap
        else None
    )
    out = Table(
        title=f"{commodity} {origin} to {destination}: each shipper segment's routes (per unit)", caption=caption
    )
    columns = ("segment", "route", "share", "tariff USD", "transit d", "wait d", "time USD", "wait USD", "total USD",
               "over cheapest USD")  # fmt: skip
    for col in columns:
        out.add_column(col)
    for r in table.itertuples():
        out.add_row(str(r.segment), str(r.route), f"{r.share:.0%}", f"{r.tariff_usd:,.0f}", f"{r.transit_days:.1f}",
                    f"{r.wait_days:.1f}", f"{r.time_usd:,.0f}", f"{r.wait_usd:,.0f}", f"{r.generalized_usd:,.0f}",
                    f"{r.excess_usd:,.0f}")  # fmt: skip
    make_console().print(out)
    if answer is not None:
        from corridor.cli._ranged import print_answer_ranges

        print_answer_ranges(answer)
        sh.report_outputs((draws[2] if draws else None,), None, None)


def _with_day_waits(found, day, commodity: str, scenario: str | None, data: Path | None,  # type: ignore[no-untyped-def]
                    demand_file: Path | None):  # fmt: skip
    """The routes with the waits of that day's assignment (its year's demand where one is built in)."""
    from corridor.analysis.waits import day_waits, with_waits
    from corridor.flow import load_demand
    from corridor.network import builtin_dataset_path
    from corridor.scenario import load_scenario

    full = sh.load_network_or_exit(data)
    if demand_file is None and data is None and (builtin_dataset_path() / f"demand-{day.year}.csv").is_file():
        demand = sh.guard(lambda: load_demand(full, year=day.year))
    else:
        demand = sh.guard(lambda: load_demand(full, demand_file))
    chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, full))
    waits = sh.guard(lambda: day_waits(full, demand, day, commodity=commodity, scenario=chosen))
    return with_waits(found, waits)


def _scenario_state(net, scenario: str, on: str | None, commodity: str, origin: str, destination: str):  # type: ignore[no-untyped-def]
    """The routing state of a scenario on a day, and the network with the links it has opened."""
    import datetime as dt

    from corridor.scenario import DEFAULT_HORIZON, load_scenario, route_state, with_investments

    chosen = sh.guard(lambda: load_scenario(scenario, net))
    horizon = chosen.horizon or DEFAULT_HORIZON
    try:
        day = horizon.start if on is None else dt.date.fromisoformat(on)
    except ValueError:
        raise sh.fail(RequestError(f"--on is {on!r}; expected a date as YYYY-MM-DD")) from None
    if not horizon.start <= day <= horizon.end:
        raise sh.fail(
            RequestError(f"--on is {day}; scenario {chosen.name!r} runs from {horizon.start} to {horizon.end}")
        )
    opened = sh.guard(lambda: with_investments(net, chosen))

    def resolve(place: str) -> str:
        return opened.name_index.resolve(place)[1]

    state = sh.guard(
        lambda: route_state(
            opened, chosen, day, commodity=commodity, origin=resolve(origin), destination=resolve(destination)
        )
    )
    return state, opened


@sh.network_app.command("show")
def network_show(
    as_json: bool = typer.Option(False, "--json", help="Every node and link with its fields and sources."),
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """Summarise a network: nodes, links, modes, commodities and sources."""
    net = sh.load_network_or_exit(data)
    if as_json:
        from corridor.cli._render import network_records
        from corridor.network.assumptions import assumption_records, load_assumptions

        sh.emit_json(
            {**network_records(net), "assumptions": assumption_records(sh.guard(lambda: load_assumptions(data)))}
        )
        return
    from corridor.cli._render import print_network

    print_network(net)


@sh.network_app.command("validate")
def network_validate(path: Path = typer.Argument(..., help="Dataset folder to check.")) -> None:
    """Check a dataset folder and list every problem (file, row, field, what was expected)."""
    from corridor.cli._uncertainty import checked_assumptions
    from corridor.network import load_network

    net = sh.guard(lambda: load_network(path))
    ranged = checked_assumptions(path)
    print(f"valid: {path} has {len(net.nodes)} nodes, {len(net.links)} links and {ranged} ranged assumptions")


@sh.network_app.command("schema")
def network_schema(
    table: str | None = typer.Argument(None, help="One table (nodes, links, ...); all when omitted."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Document the dataset format: every column of every table, from the schema files."""
    from corridor.network import TABLES, schema_for

    if table is not None and table not in TABLES:
        raise sh.fail(RequestError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}"))
    tables = [table] if table else list(TABLES)
    if as_json:
        sh.emit_json({t: schema_for(t).to_frame().to_dict(orient="records") for t in tables})
        return
    from corridor.cli._render import print_schema

    for t in tables:
        print_schema(schema_for(t))


@sh.network_app.command("import-osm")
def network_import_osm(
    file: Path = typer.Argument(..., help="OpenStreetMap extract (.osm.pbf), e.g. a Geofabrik country file."),
    out: Path = typer.Option(..., "--out", help="Dataset folder to write (new, or empty)."),
    bbox: str | None = typer.Option(None, "--bbox", help="Only what lies inside W,S,E,N (degrees)."),
    modes: str = typer.Option(
        "rail,pipeline,port,ferry", "--modes", help="What to import, of rail,pipeline,port,ferry."
    ),
    join: Path | None = typer.Option(
        None, "--join", help="Dataset to plug the import into (its nodes within --join-distance)."
    ),
    join_distance: float = typer.Option(
        5000.0, "--join-distance", help="Largest gap, in metres, an imported node is snapped across."
    ),
    tie_distance: float = typer.Option(
        2000.0, "--tie-distance", help="Parts apart within this many metres are tied on by a transshipment link."
    ),
    service: bool = typer.Option(False, "--service", help="Also import sidings, yards, spurs and crossovers."),
    country: str | None = typer.Option(
        None, "--country", help="ISO code for nodes that no boundary in the file places."
    ),
    index: str = typer.Option(
        "auto", "--index", help="Node locations in memory, on disk, or auto (disk above 300 MB)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable summary."),
) -> None:
    """Import rail, pipelines, ports and ferries from an OpenStreetMap extract into a dataset folder."""
    from corridor.network.osm import import_osm, parse_bbox

    box = None if bbox is None else sh.guard(lambda: parse_bbox(bbox))
    chosen = tuple(sh.split([modes]))
    result = sh.guard(
        lambda: import_osm(
            file, out, bbox=box, modes=chosen, join=join, join_distance_m=join_distance,
            tie_distance_m=tie_distance, service_tracks=service,
            country=country, location_index=index,
        )
    )  # fmt: skip
    summary = {
        "out": str(result.out),
        "nodes": result.nodes,
        "links": result.links,
        "countries": list(result.countries),
        "length_km": result.length_km,
        "components": result.components,
        "ways": result.lines,
        "way_nodes": result.way_nodes,
        "joined": result.joined,
        "skipped": result.skipped,
    }
    if as_json:
        sh.emit_json(summary)
        return
    lengths = ", ".join(f"{mode} {km:,.1f} km" for mode, km in result.length_km.items())
    print(
        f"wrote {result.out}: {result.nodes} nodes, {result.links} links ({lengths}) in {', '.join(result.countries)}"
    )
    print(f"  from {result.lines} ways with {result.way_nodes:,} nodes; {result.components} connected part(s)")
    if result.joined:
        print(f"  {result.joined} nodes joined to {join} (joined_nodes.csv)")
    for what, count in sorted(result.skipped.items()):
        print(f"  left out: {count} {what}")


@sh.app.command()
def capacity(
    group: str = typer.Argument(..., help="A corridor group id, e.g. middle_corridor, caspian_crossing, cpc."),
    alone: bool = typer.Option(
        False, "--alone", help="Measure the group's own links only, not the corridor end to end."
    ),
    on: str | None = typer.Option(None, "--on", help="On the network of that day, YYYY-MM-DD (capacity-history.csv)."),
    year: int | None = sh.YEAR_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """Capacity of a corridor group by maximum flow, in t/yr and TEU/yr, with the binding cut.

    A corridor with ends in the dataset (middle_corridor, northern_rail) is measured end to end,
    each commodity by its own way; any other group across its own links.
    """
    from corridor.analysis import corridor_capacity

    net, _ = sh.network_of_day(sh.load_network_or_exit(data), on, year)
    result = sh.guard(lambda: corridor_capacity(net, group, end_to_end=not alone))
    if as_json:
        sh.emit_json(result.to_dict())
        return
    _print_capacity(result)


def _print_capacity(result: CorridorCapacity) -> None:
    """A corridor's capacity per commodity and direction, with the binding cut; no "-0" anywhere."""
    from rich.table import Table

    from corridor.cli._render import make_console

    def amount(value: float) -> str:  # a flow is never below zero: abs keeps a solver's -0 off the page
        return "no figure" if not math.isfinite(value) else f"{abs(value):,.0f}"

    t, teu = result.t_per_year, result.teu_per_year
    ends = "end to end" if result.end_to_end else "across its own links"
    console = make_console()
    if t is None:
        console.print(f"{result.group}: nothing can cross it")
    else:
        console.print(
            f"{result.group} ({ends}): from {', '.join(result.east)} (east) to {', '.join(result.west)} (west)\n"
            f"tonnage capacity {t / 1e6:,.2f} Mt/y" + (f", containers {teu:,.0f} TEU/y" if teu is not None else "")
        )
    table = Table(title="Maximum flow, by commodity and direction", title_justify="left")
    columns = ["direction", "commodity", "per year", "unit", "t per year"]
    columns += ["across", "binding cut"] if result.end_to_end else ["binding cut"]
    for col in columns:
        table.add_column(col, justify="right" if col in ("per year", "t per year") else "left")
    for row in result.table.to_dict(orient="records"):
        cells = [
            row["direction"],
            row["commodity"],
            amount(row["units_per_year"]),
            row["unit"],
            amount(row["t_per_year"]),
        ]
        cells += [row["through"]] if result.end_to_end else []
        table.add_row(*cells, row["binding"] or "none")
    console.print(table)
