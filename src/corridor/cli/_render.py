"""Rich tables for the CLI. Rendering only: every figure comes from the library."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from corridor.network import Network, TableSchema, records
from corridor.records import json_records
from corridor.routing import Route

if TYPE_CHECKING:
    from corridor.analysis import Impact
    from corridor.flow import Assignment, Demand
    from corridor.scenario import Scenario

WIDE = 160  # width when the output is not a terminal (a file, a pipe, a CI log): tables stay readable


def make_console(*, stderr: bool = False) -> Console:
    """A console as wide as the terminal, or WIDE columns when writing to a file or pipe."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else WIDE)


console = make_console()


def money(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def capacity_text(route: Route) -> str:
    """Smallest published capacity on the route, in units of the commodity per year."""
    if route.capacity_per_year is None:
        return "n/a"
    cap = route.capacity_per_year
    unit = "TEU/y" if route.unit == "teu" else "t/y"
    if cap >= 1e6:
        text = f"{cap / 1e6:,.1f} M{unit}"
    elif cap >= 1e3:
        text = f"{cap / 1e3:,.0f} k{unit}"
    else:
        text = f"{cap:,.0f} {unit}"
    return f"{text} ({route.bottleneck})"


def print_routes(network: Network, routes: Sequence[Route], *, legs: bool = False) -> None:
    if not routes:
        return
    first = routes[0]
    unit = "TEU" if first.unit == "teu" else "t"
    names = dict(zip(network.nodes["id"], network.nodes["name"], strict=True))
    title = f"{names.get(first.origin, first.origin)} to {names.get(first.destination, first.destination)}: {first.commodity}, by {first.by}"
    table = Table(title=title, title_justify="left")
    for col, style in (
        ("#", "dim"),
        (f"USD/{unit}", "bold"),
        ("days", "bold"),
        ("km", ""),
        ("countries", ""),
        ("modes", ""),
        ("transfers", ""),
        ("capacity (bottleneck)", ""),
    ):
        table.add_column(
            col, style=style, justify="right" if col in ("#", f"USD/{unit}", "days", "km", "transfers") else "left"
        )
    for i, r in enumerate(routes, start=1):
        table.add_row(
            str(i),
            money(r.cost_usd),
            f"{r.time_days:.1f}" + (f" ({r.wait_days:.1f} wait)" if r.wait_h > 0.05 else ""),
            f"{r.distance_km:,.0f}",
            "-".join(r.countries),
            ", ".join(r.modes),
            str(r.transfers),
            capacity_text(r),
        )
    console.print(table)
    for i, r in enumerate(routes, start=1):
        console.print(f"[dim]{i}: {' > '.join(names.get(n, n).split(' (')[0] for n in r.nodes)}[/]", highlight=False)
        if r.straits:
            console.print(f"[dim]   straits: {', '.join(r.straits)}[/]", highlight=False)
        console.print(f"[dim]   sources: {', '.join(r.sources)}[/]", highlight=False)
        if legs:
            leg_table = Table(show_header=True, box=None, padding=(0, 1))
            for col in ("link", "from", "to", "mode", "km", "moving h", "waiting h", f"USD/{unit}"):
                leg_table.add_column(
                    col, justify="right" if col in ("km", "moving h", "waiting h", f"USD/{unit}") else "left"
                )
            for leg in r.legs().to_dict(orient="records"):
                leg_table.add_row(
                    leg["link"],
                    leg["from"],
                    leg["to"],
                    leg["mode"],
                    f"{leg['distance_km']:,.0f}",
                    f"{leg['transit_h']:.1f}",
                    f"{leg['dwell_h']:.1f}",
                    money(leg["cost_usd"]),
                )
            console.print(leg_table)


def network_records(network: Network) -> dict[str, Any]:
    """Every table as a list of records (JSON-ready: NaN -> null, tuples -> lists)."""
    out: dict[str, Any] = {"name": network.name}
    for table, frame in network.tables().items():
        out[table] = json_records(frame)
    return out


def print_network(network: Network) -> None:
    cn = network.compiled
    summary = Table(title=f"Network {network.name}", title_justify="left", show_header=False)
    summary.add_row("nodes", str(len(network.nodes)))
    summary.add_row("links", f"{len(network.links)} ({cn.n_arcs} directed arcs)")
    summary.add_row("countries", ", ".join(cn.countries))
    summary.add_row("modes", ", ".join(f"{m} ({(network.links['mode'] == m).sum()})" for m in network.modes["id"]))
    summary.add_row("commodities", ", ".join(network.commodities["id"]))
    summary.add_row("groups", ", ".join(network.groups["id"]))
    summary.add_row("sources", str(len(network.sources)))
    console.print(summary)
    nodes = Table(title="Nodes", title_justify="left")
    for col in ("id", "name", "country", "kind"):
        nodes.add_column(col)
    for n in records(network.nodes):
        nodes.add_row(n.id, n.name, n.country, n.kind)
    console.print(nodes)
    links = Table(title="Links", title_justify="left")
    for col in ("id", "from", "to", "mode", "km", "capacity", "countries"):
        links.add_column(col, justify="right" if col == "km" else "left")
    for lid, a, b, mode, km, cap, unit, countries in zip(
        network.links["id"],
        network.links["from"],
        network.links["to"],
        network.links["mode"],
        network.links["length_km"],
        network.links["capacity"],
        network.links["capacity_unit"],
        network.links["countries"],
        strict=True,
    ):
        links.add_row(lid, a, b, mode, f"{km:,.0f}", "" if math.isnan(cap) else f"{cap:g} {unit}", "-".join(countries))
    console.print(links)


def print_schema(schema: TableSchema) -> None:
    table = Table(title=schema.file, title_justify="left")
    for col in ("column", "type", "unit", "default", "required", "check", "description"):
        table.add_column(col, overflow="fold")
    for c in schema.columns:
        table.add_row(
            c.name, c.dtype, c.unit, c.default, "yes" if c.required else "", " ".join(c.checks), c.description
        )
    console.print(table)


def print_assignment(network: Network, demand: Demand, result: Assignment, *, top: int = 12) -> None:
    units = dict(zip(network.commodities["id"], network.commodities["unit"], strict=True))
    summary = Table(title=f"Assignment of {demand.name}: {result.status} ({result.method})", title_justify="left",
                    show_header=False)  # fmt: skip
    summary.add_row("transport cost", f"{result.transport_cost_usd / 1e6:,.1f} M USD/y")
    summary.add_row(
        "shippers' time",
        f"{result.time_cost_usd / 1e6:,.1f} M USD/y (in transit {result.transit_time_cost_usd / 1e6:,.1f} M, "
        f"waiting in queues {result.waiting_cost_usd / 1e6:,.1f} M)",
    )
    summary.add_row("value left behind", f"{result.unserved_cost_usd / 1e6:,.1f} M USD/y")
    if result.equilibrium:  # how far from every segment on its cheapest route with room
        gap = result.equilibrium
        summary.add_row("gap to equilibrium", f"{gap['relative_gap']:.3%} of the cost ({gap['rounds']} LP rounds)")
    for commodity, left in result.unserved_by_commodity().items():
        total = demand.total(commodity)
        summary.add_row(f"unserved {commodity}", f"{left:,.0f} {units[commodity]}/y of {total:,.0f}")
    console.print(summary)
    # one table per commodity: TEU and tonnes are never ranked in one column
    for name, part in result.flows.groupby("commodity", sort=True):
        commodity = str(name)
        flows = Table(title=f"Largest {commodity} flows (top {top})", title_justify="left")
        for col in ("link", "from", "to", f"{units.get(commodity, '')} per year", "utilisation"):
            flows.add_column(col, justify="left" if col in ("link", "from", "to") else "right")
        for row in part.sort_values("flow_per_year", ascending=False).head(top).to_dict(orient="records"):
            util = "" if math.isnan(row["utilisation"]) else f"{row['utilisation']:.0%}"
            flows.add_row(row["link"], row["from"], row["to"], f"{row['flow_per_year']:,.0f}", util)
        console.print(flows)
    if result.bottlenecks.empty:
        console.print("No capacity binds.")
        return
    table = Table(
        title="Binding capacities, by rent (dual x capacity + the cost of its queue's waits, USD a year)",
        title_justify="left",
    )
    for col in ("element", "kind", "direction", "rent M USD/y", "of which queue", "dual per unit-year",
                "USD per TEU", "USD per t", "utilisation"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("element", "kind", "direction") else "right")
    for row in result.bottlenecks.to_dict(orient="records"):
        table.add_row(row["element"], row["kind"], row["direction"], f"{row['rent_usd'] / 1e6:,.1f}",
                      _queue_part(row), _dual(row), _per(row["usd_per_teu"]), _per(row["usd_per_t"]),
                      f"{row['utilisation']:.0%}")  # fmt: skip
    console.print(table)


def _dual(row: Mapping[Any, Any]) -> str:
    """A dual in its element's own unit: USD per train-year, per t-year..."""
    return f"{money(row['shadow_price_usd'])} per {row['dimension']}"


def _queue_part(row: Mapping[Any, Any]) -> str:
    """The part of a rent that is its queue's waiting cost, in M USD (blank without a queue)."""
    return f"{row['queue_cost_usd'] / 1e6:,.1f}" if row["queue_cost_usd"] else ""


def _per(value: float) -> str:
    return "" if value is None or math.isnan(value) else money(value)


def print_scenarios(scenarios: Sequence[Scenario]) -> None:
    table = Table(title="Built-in scenarios", title_justify="left")
    for col in ("name", "horizon", "events", "description"):
        table.add_column(col, overflow="fold")
    for s in scenarios:
        horizon = f"{s.horizon.start} to {s.horizon.end}" if s.horizon else ""
        events = ", ".join(e.type for e in s.events)
        table.add_row(s.name, horizon, events, " ".join(s.description.split()))
    console.print(table)


def print_impact(network: Network, result: Impact, *, top: int = 8) -> None:
    units = dict(zip(network.commodities["id"], network.commodities["unit"], strict=True))
    d = result.disrupted
    periods = d.periods
    base = f" on top of {result.base}" if result.base else ""
    head = (
        f"Impact of {result.scenario}{base}: {periods['start'].iloc[0]} to {periods['end'].iloc[-1]}, "
        f"{len(periods)} periods"
    )
    summary = Table(title=head, title_justify="left", show_header=False)
    held = f"{result.base} with" if result.base else "the same scenario with only"
    n = result.market_events
    against = f"{held} its {n} market event{'s' * (n != 1)}" if n else (result.base or "the baseline")
    summary.add_row("disruption cost", f"{result.disruption_cost_usd / 1e6:+,.1f} M USD (against {against})")
    reference = result.base or "the baseline"
    summary.add_row("market conditions", f"{result.market_cost_usd / 1e6:+,.1f} M USD (against {reference})")
    parts = result.cost_parts()
    queues = d.queue_cost_usd - result.baseline.queue_cost_usd
    transit = parts["time"] - queues
    summary.add_row(
        "total change",
        f"{result.delta_cost_usd / 1e6:+,.1f} M USD = tariffs and premiums {parts['transport'] / 1e6:+,.1f} M "
        f"+ shippers' time {parts['time'] / 1e6:+,.1f} M (in transit {transit / 1e6:+,.1f} M, in queues "
        f"{queues / 1e6:+,.1f} M) + backlog waiting {parts['waiting'] / 1e6:+,.1f} M "
        f"+ cargo lost {parts['lost_value'] / 1e6:+,.1f} M + carrying deferred crude {parts['carrying'] / 1e6:+,.1f} M",
    )
    oil = result.oil()
    if oil is not None and oil["output_cut_t"] > 0:
        summary.add_row(
            "crude output cut",
            f"{oil['output_cut_t'] / 1e6:,.2f} Mt ({oil['output_cut_bbl_per_day'] / 1e3:,.0f} kbbl/d over "
            f"{oil['days_cut']:.0f} days): deferred {oil['deferred_value_usd'] / 1e6:,.1f} M USD of output (not a cost), "
            f"carrying it {oil['carrying_cost_usd'] / 1e6:,.1f} M, its freight paid later "
            f"{oil['deferred_freight_usd'] / 1e6:,.1f} M (in tariffs), lost "
            f"{oil['lost_value_usd'] / 1e6:,.1f} M (in cargo lost)",
        )
    for commodity, left in d.stranded().items():
        if left > 0.5:
            summary.add_row(f"stranded {commodity}", f"{left:,.0f} {units[commodity]}")
    for commodity, wait in d.waiting_unit_days().items():
        if wait > 0.5:
            summary.add_row(f"waiting {commodity}", f"{wait:,.0f} {units[commodity]}-days")
    clear = d.days_to_clear()
    summary.add_row(
        "backlog cleared",
        "no backlog" if clear == 0 else ("not within the horizon" if clear is None else f"in {clear:.0f} days"),
    )
    console.print(summary)
    moved = result.corridors[result.corridors["moved"].abs() > 0.5]
    # one table per unit: TEU and tonnes never share a column
    for unit, part in moved.groupby("unit", sort=False):
        table = Table(title=f"Volume moved between corridors ({unit} over the horizon)", title_justify="left")
        for col in ("corridor", "commodity", "before", "after", "moved", "same figures"):
            table.add_column(col, justify="right" if col in ("before", "after", "moved") else "left", overflow="fold")
        for row in part.to_dict(orient="records"):
            table.add_row(row["group"], row["commodity"], f"{row['before']:,.0f}", f"{row['after']:,.0f}",
                          f"{row['moved']:+,.0f}", row["same_as"])  # fmt: skip
        console.print(table)
    if not result.bottlenecks.empty:
        table = Table(
            title=f"Bottlenecks (top {top}), by the change in rent (dual x capacity x days + the cost of "
            f"its queue's waits) against {reference}",
            title_justify="left",
        )
        for col in ("element", "direction", "rent change M USD", "rent M USD", "of which queue", "dual per unit-year",
                    "USD per TEU", "USD per t", "queue h", "days binding"):  # fmt: skip
            table.add_column(col, justify="left" if col in ("element", "direction") else "right")
        for row in result.bottlenecks.head(top).to_dict(orient="records"):
            table.add_row(
                row["element"],
                row["direction"],
                f"{row['rent_change_usd'] / 1e6:+,.1f}",
                f"{row['rent_usd'] / 1e6:,.1f}",
                _queue_part(row),
                _dual(row),
                _per(row["usd_per_teu"]),
                _per(row["usd_per_t"]),
                "" if not row["wait_h"] or math.isnan(row["wait_h"]) else f"{row['wait_h']:,.0f}",
                str(row["days_binding"]),
            )
        console.print(table)
    dep = result.dependency
    changed = dep[(dep["share_after"] - dep["share_before"]).abs() > 0.005]
    if not changed.empty:
        table = Table(title="Transit dependency: share of a country's exports crossing another", title_justify="left")
        for col in ("exporter", "through", "commodity", "before", "after"):
            table.add_column(col, justify="right" if col in ("before", "after") else "left")
        for row in changed.to_dict(orient="records"):
            table.add_row(
                row["exporter"],
                row["transit"],
                row["commodity"],
                f"{row['share_before']:.0%}",
                f"{row['share_after']:.0%}",
            )
        console.print(table)


def print_criticality(result: Any, *, top: int = 10, title: str | None = None) -> None:
    """The closures that cost most, with what they strand and whom; closures with the same outcome
    (elements in series) share a row."""
    what = "single closures (N-1)" if result.n == 1 else "pairs of closures (N-2)"
    under = f" under {result.scenario}" if result.scenario else ""
    country = getattr(result, "country", None)
    whose = ""
    if country:
        whose = f" for {country}'s trade" + (" and transit" if result.transit else "")
    table = Table(
        title=title or f"Top {top} {what}{under}{whose}: extra cost and stranded cargo per year", title_justify="left"
    )
    distinct = result.distinct()
    prefix = "country_stranded_" if country else "stranded_"
    cost = "country_extra_cost_usd" if country else "extra_cost_usd"
    stranded = [c for c in distinct.columns if c.startswith(prefix)]
    table.add_column("#", justify="right")
    table.add_column("closed (+ those with the same outcome)", overflow="fold", ratio=3, min_width=32)
    table.add_column(f"extra cost{' to ' + country if country else ''} USD/y", justify="right")
    if not country:
        table.add_column("of it stranded cargo", justify="right")
    for c in stranded:
        table.add_column(f"stranded {c.removeprefix(prefix)}/y", justify="right")
    table.add_column("exporters hit", overflow="fold")
    for rank, row in enumerate(distinct.head(top).to_dict(orient="records"), start=1):
        same = str(row.get("same_outcome") or "")
        table.add_row(
            str(rank),
            row["closed"] + (f" (+ {same}: same outcome)" if same else ""),
            f"{row[cost] / 1e6:,.0f} M",
            *([] if country else [f"{row['unserved_value_usd'] / 1e6:,.0f} M"]),
            *(f"{row[c]:,.0f} {result.units.get(c.removeprefix(prefix), '')}".strip() for c in stranded),
            row["countries_hit"],
        )
    console.print(table)
    console.print(
        f"   {len(result.table):,} closures ({len(distinct):,} distinct outcomes), {result.n_solved:,} LPs solved "
        f"({result.method}) in {result.seconds:.1f} s; baseline cost {result.baseline_cost_usd / 1e9:,.2f} bn USD/y",
        highlight=False,
    )
    if getattr(result, "stranded_rule", ""):
        console.print(
            f"   the baseline cost includes {result.baseline_unserved_value_usd / 1e9:,.2f} bn USD/y of demand it "
            f"leaves unserved; {result.stranded_rule}",
            highlight=False,
        )
    if getattr(result, "ranking_rule", ""):
        console.print(f"   {result.ranking_rule}", highlight=False)
    if getattr(result, "note", ""):
        console.print(f"   {result.note}", highlight=False)


def print_risk(result: Any, *, title: str | None = None) -> None:
    """Expected annual loss with its standard error, and the tail: VaR and CVaR of loss and of stranded cargo."""
    n = len(result.years)
    table = Table(title=title or f"{n:,} sampled years (seed {result.seed})", title_justify="left")
    for col in ("measure", "loss USD/y", *(f"stranded {c.removeprefix('stranded_')}" for c in _stranded(result))):
        table.add_column(col, justify="right" if col != "measure" else "left")
    rows = [("mean (expected annual loss)", "mean"), ("VaR 95%", 0.95), ("CVaR 95%", "c0.95"), ("VaR 99%", 0.99),
            ("CVaR 99%", "c0.99")]  # fmt: skip
    for label, what in rows:
        cells = []
        for col in ("loss_usd", *_stranded(result)):
            if what == "mean":
                value = float(result.years[col].mean())
            elif isinstance(what, str):
                value = result.cvar(col, float(what[1:]))
            else:
                value = result.var(col, what)
            unit = "" if col == "loss_usd" else " " + result.units.get(col.removeprefix("stranded_"), "")
            cells.append(f"{value / 1e6:,.1f} M" if col == "loss_usd" else f"{value:,.0f}{unit}")
        table.add_row(label, *cells)
    console.print(table)
    console.print(
        f"   expected annual loss {result.expected_annual_loss_usd / 1e6:,.1f} M USD, standard error "
        f"{result.standard_error_usd / 1e6:,.1f} M USD ({n:,} years); {result.n_states:,} disruption states solved "
        f"in {result.seconds:.1f} s; loss = extra transport cost plus the value of cargo left behind",
        highlight=False,
    )
    if getattr(result, "note", ""):
        console.print(f"   {result.note}", highlight=False)


def print_appraisal(result: Any) -> None:
    """Candidates ranked by loss removed per million USD (then by loss removed)."""
    base = result.baseline
    table = Table(
        title=f"Investments against {len(base.years):,} sampled years of disruption (seed {base.seed})"
        + (f" under {base.scenario}" if base.scenario else "")
        + f"; expected annual loss without them {base.expected_annual_loss_usd / 1e6:,.1f} M USD",
        title_justify="left",
    )
    for col in ("candidate", "cost", "loss removed USD/y (± s.e.)", "per M USD of cost", "stranded removed/y",
                "total cost removed USD/y", "largest dependency change"):  # fmt: skip
        table.add_column(
            col, overflow="fold", justify="left" if col in ("candidate", "largest dependency change") else "right"
        )
    units = base.units
    for row in result.table.to_dict(orient="records"):
        cost = row["cost_usd"]
        stranded = [
            f"{row[c]:,.0f} {units.get(c.removeprefix('stranded_reduction_'), '')}"
            for c in row
            if c.startswith("stranded_reduction_") and abs(row[c]) > 0.5
        ]
        table.add_row(
            row["candidate"],
            "-" if cost is None or math.isnan(cost) else f"{cost / 1e6:,.0f} M",
            f"{row['loss_reduction_usd'] / 1e6:,.1f} M ± {row['reduction_se_usd'] / 1e6:,.1f}",
            "-" if math.isnan(row["reduction_per_musd"]) else f"{row['reduction_per_musd']:,.0f}",
            ", ".join(stranded) or "0",
            f"{row['expected_cost_reduction_usd'] / 1e6:,.1f} M",
            row["dependency_change"],
        )
    console.print(table)


def _stranded(result: Any) -> list[str]:
    return [c for c in result.years.columns if c.startswith("stranded_")]


def print_frame(frame: Any, *, title: str) -> None:
    """Any table, as it is."""
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:,.4g}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)
