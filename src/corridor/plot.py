"""Pictures of routes on a map: country outlines that ship with the package, the network, the routes.

Needs matplotlib (``pip install corridor[plot]``). Nothing is downloaded: the outlines are
Natural Earth's, from the world-atlas TopoJSON file inside the package.
"""

from __future__ import annotations

import csv
import html
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor.network import Network, link_lines, load_countries
from corridor.routing import Route
from corridor.store import write_atomically

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_criticality", "plot_exceedance", "plot_impact_periods", "plot_routes", "plot_utilisation"]

EURASIA_EXTENT = (-12.0, 125.0, -38.0, 62.0)  # lon min, lon max, lat min, lat max
_PAD_DEG = 4.0
_PALETTE = ("#c0392b", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def _alpha2_to_numeric() -> dict[str, str]:
    text = resources.files("corridor").joinpath("data", "countries.csv").read_text("utf-8")
    return {row["code"]: row["numeric"] for row in csv.DictReader(io.StringIO(text))}


def _extent_of(routes: Iterable[Route], lines: Mapping[str, np.ndarray]) -> tuple[float, float, float, float]:
    """A frame around every route drawn, or the Eurasian frame when there is none."""
    points = [lines[link] for route in routes for link in route.links]
    if not points:
        return EURASIA_EXTENT
    xy = np.vstack(points)
    (x0, y0), (x1, y1) = xy.min(axis=0) - _PAD_DEG, xy.max(axis=0) + _PAD_DEG
    return float(max(x0, -180)), float(min(x1, 180)), float(max(y0, -89)), float(min(y1, 89))


def _draw_countries(ax: Axes, shade: Iterable[str]) -> None:
    from matplotlib.collections import PolyCollection

    numeric = _alpha2_to_numeric()
    shaded = {numeric[c] for c in shade if c in numeric}
    plain: list[np.ndarray] = []
    marked: list[np.ndarray] = []
    for country in load_countries():
        (marked if country.numeric in shaded else plain).extend(country.rings)
    ax.add_collection(PolyCollection(plain, facecolor="#f2efe9", edgecolor="#b8b2a7", linewidth=0.3, zorder=1))
    if marked:
        ax.add_collection(
            PolyCollection(marked, facecolor="#f5c6c6", edgecolor="#b8b2a7", linewidth=0.3, hatch="///", zorder=1)
        )


def plot_routes(
    network: Network,
    routes: Mapping[str, Route] | Sequence[Route],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    shade_countries: Iterable[str] = (),
    extent: tuple[float, float, float, float] | None = None,
) -> Path:
    """Draw routes over the network on a map and write it as a PNG.

    Parameters
    ----------
    network
        The network the routes were found on.
    routes
        Routes to draw, as a list or a mapping of label -> route (the label goes in the legend).
    path
        Where to write the PNG. It is written to a temporary file first and moved into place,
        so a failure never leaves a half-written picture.
    title
        Title over the map.
    shade_countries
        ISO alpha-2 codes to hatch (countries barred in the request, say).
    extent
        (lon min, lon max, lat min, lat max); by default the Eurasian frame.

    Returns
    -------
    Path
        The path written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labelled = dict(routes) if isinstance(routes, Mapping) else {f"route {i + 1}": r for i, r in enumerate(routes)}
    lines = link_lines(network)
    x0, x1, y0, y1 = extent or _extent_of(labelled.values(), lines)
    aspect = 1.0 / max(np.cos(np.radians((y0 + y1) / 2)), 0.3)  # keeps shapes right at mid-latitude
    width = 14.0
    height = min(max(width * (y1 - y0) * aspect / (x1 - x0) + 0.9, 4.0), 12.0)
    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    ax.set_facecolor("#dfeaf2")
    _draw_countries(ax, shade_countries)
    for line in lines.values():
        ax.plot(line[:, 0], line[:, 1], color="#9aa3ab", linewidth=0.6, zorder=2)
    pos = dict(zip(network.nodes["id"], zip(network.nodes["lon"], network.nodes["lat"], strict=True), strict=True))
    for i, (label, route) in enumerate(labelled.items()):
        color = _PALETTE[i % len(_PALETTE)]
        width = 3.2 - 0.35 * i
        for k, link in enumerate(route.links):
            line = lines[link]
            if line[0].tolist() != list(pos[route.nodes[k]]):
                line = line[::-1]
            ax.plot(
                line[:, 0],
                line[:, 1],
                color=color,
                linewidth=max(width, 1.2),
                alpha=0.85,
                zorder=4 + i,
                solid_capstyle="round",
                label=label if k == 0 else None,
            )
        ends = [route.nodes[0], route.nodes[-1]]
        ax.scatter(
            [pos[n][0] for n in ends], [pos[n][1] for n in ends], s=28, color=color, edgecolor="black", zorder=10
        )
    names = dict(zip(network.nodes["id"], network.nodes["name"], strict=True))
    shown = {n for route in labelled.values() for n in (route.nodes[0], route.nodes[-1])}
    for nid in sorted(shown):
        lon, lat = pos[nid]
        ax.annotate(
            names[nid].split(" (")[0], (lon, lat), xytext=(4, 4), textcoords="offset points", fontsize=8, zorder=11
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    if title:
        ax.set_title(title)
    if labelled:
        ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.text(
        0.995,
        0.005,
        "Country outlines: Natural Earth (world-atlas)",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="#555555",
    )
    fig.tight_layout()
    return _save(fig, path)


def plot_utilisation(
    network: Network,
    panels: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    extent: tuple[float, float, float, float] | None = None,
) -> Path:
    """Maps of link loads side by side (before and after, say): width by volume, colour by utilisation.

    Each panel is a table with ``link``, ``commodity``, ``volume`` and ``utilisation``
    (``Replay.link_loads()``); widths compare each commodity with its own largest volume;
    links without a published capacity are drawn grey.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    lines = link_lines(network)
    x0, x1, y0, y1 = extent or (5.0, 125.0, 18.0, 60.0)
    aspect = 1.0 / max(np.cos(np.radians((y0 + y1) / 2)), 0.3)
    n = max(len(panels), 1)
    width = 9.0 * n
    height = min(max(9.0 * (y1 - y0) * aspect / (x1 - x0) + 0.8, 3.5), 10.0)
    fig, axes = plt.subplots(1, n, figsize=(width, height), dpi=100, squeeze=False, layout="constrained")
    cmap = colormaps["plasma_r"]
    norm = Normalize(0.0, 1.0)
    # widths compare like with like: each commodity against its own largest volume (TEU and tonnes differ)
    biggest: dict[str, float] = {}
    for loads in panels.values():
        for commodity, volume in loads.groupby("commodity")["volume"].max().items():
            biggest[str(commodity)] = max(biggest.get(str(commodity), 0.0), float(volume))
    for ax, (label, loads) in zip(axes[0], panels.items(), strict=True):
        ax.set_facecolor("#dfeaf2")
        _draw_countries(ax, ())
        for line in lines.values():
            ax.plot(line[:, 0], line[:, 1], color="#c3c9ce", linewidth=0.5, zorder=2)
        for row in loads.sort_values("volume").to_dict(orient="records"):
            line = lines[row["link"]]
            util = row["utilisation"]
            color = "#7f8c8d" if util is None or not np.isfinite(util) else cmap(norm(min(util, 1.0)))
            ax.plot(line[:, 0], line[:, 1], color=color, zorder=4, solid_capstyle="round",
                    linewidth=0.8 + 6.0 * np.sqrt(row["volume"] / (biggest.get(row["commodity"], 0.0) or 1.0)))  # fmt: skip
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(aspect)
        ax.set_title(label, fontsize=10)
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes[0].tolist(), shrink=0.7,
                 label="utilisation of published capacity (grey: none published)")  # fmt: skip
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_criticality(
    table: pd.DataFrame, path: str | os.PathLike[str], *, top: int = 15, title: str | None = None
) -> Path:
    """A ranked bar chart of closures by extra cost per year (``Criticality.table`` or
    ``Criticality.distinct()``), most costly on top. Each bar is labelled with what the closure
    strands, per commodity; a row standing for several elements shows the first and their count.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = table.head(top).iloc[::-1]
    stranded = [c for c in table.columns if c.startswith("stranded_")]
    fig, ax = plt.subplots(figsize=(10.0, 0.42 * max(len(rows), 1) + 1.6), dpi=100, layout="constrained")
    colors = {"link": "#2c7fb8", "node": "#d95f0e", "group": "#756bb1"}
    kinds = [str(k).split("+")[0] for k in rows["kind"]]
    values = rows["extra_cost_usd"].to_numpy(float) / 1e9
    ax.barh(range(len(rows)), values, color=[colors.get(k, "#7f7f7f") for k in kinds])
    names = [
        str(c).split(", ")[0] + (f" (+{n - 1} in series)" if n > 1 else "")
        for c, n in zip(rows["closed"], rows.get("elements", pd.Series(1, index=rows.index)), strict=True)
    ]
    ax.set_yticks(range(len(rows)), names, fontsize=8)
    for y, (value, (_, row)) in enumerate(zip(values, rows.iterrows(), strict=True)):
        parts = [f"{row[c]:,.0f} {c.removeprefix('stranded_')}" for c in stranded if row[c] > 0.5]
        if parts:
            ax.text(value, y, "  stranded " + ", ".join(parts), va="center", fontsize=7, color="#333333")
    ax.set_xlabel("extra cost, billion USD per year (transport plus the value of cargo left behind)")
    ax.margins(x=0.45)
    handles = [matplotlib.patches.Patch(color=c, label=k) for k, c in colors.items()]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.set_title(title or "Single points of failure: closures ranked by extra cost", fontsize=11)
    return _save(fig, path)


def plot_tornado(
    drivers: Sequence[Mapping[str, Any]], path: str | os.PathLike[str], *, title: str | None = None
) -> Path:
    """A tornado of one figure's drivers (``drivers`` in a ranged answer: assumption, rho, share):
    one horizontal bar per assumption, its share of the figure's variance, largest on top; a bar
    is blue where the figure rises with the assumption, orange where it falls."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(drivers)[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 0.45 * max(len(rows), 1) + 1.4), dpi=100, layout="constrained")
    shares = [100.0 * float(r["share"]) for r in rows]
    colors = ["#2c7fb8" if float(r["rho"]) >= 0 else "#d95f0e" for r in rows]
    ax.barh(range(len(rows)), shares, color=colors)
    ax.set_yticks(range(len(rows)), [str(r["assumption"]) for r in rows], fontsize=8)
    for y, (share, row) in enumerate(zip(shares, rows, strict=True)):
        ax.text(share, y, f"  {share:.0f}% (rho {float(row['rho']):+.2f})", va="center", fontsize=7)
    ax.set_xlim(0, 115)
    ax.set_xlabel("share of the figure's variance, percent (squared rank correlation, scaled to sum to 100)")
    ax.set_title(title or "What drives the figure", fontsize=11)
    return _save(fig, path)


def plot_exceedance(result: Any, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """The loss exceedance curve of a :class:`corridor.sweep.Risk`: the chance a year's loss reaches
    each level (log scale), with the expected annual loss and the 95% and 99% VaR marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = result.exceedance()
    fig, ax = plt.subplots(figsize=(8.0, 5.0), dpi=100, layout="constrained")
    positive = curve[curve["loss_usd"] > 0]
    ax.step(positive["loss_usd"] / 1e9, positive["probability"], where="post", color="#2c7fb8")
    ax.set_yscale("log")
    ax.set_xlabel("loss in a year, billion USD (extra transport cost plus the value of cargo left behind)")
    ax.set_ylabel("probability that a year's loss reaches it")
    marks = [
        ("expected", result.expected_annual_loss_usd, "#2ca02c"),
        ("VaR 95%", result.var("loss_usd", 0.95), "#ff7f0e"),
        ("VaR 99%", result.var("loss_usd", 0.99), "#d62728"),
    ]
    for label, value, color in marks:
        ax.axvline(value / 1e9, color=color, linestyle="--", linewidth=1, label=f"{label}: {value / 1e6:,.0f} M USD")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    n = len(result.years)
    ax.set_title(title or f"Loss exceedance: {n:,} sampled years (seed {result.seed})", fontsize=11)
    return _save(fig, path)


def plot_impact_periods(result: Any, path: str | os.PathLike[str], *, top: int = 5, title: str | None = None) -> Path:
    """An impact's series (:class:`corridor.analysis.Impact`), period by period: the change in
    each corridor's volume against the baseline, containers (TEU) and other cargo (t) in panels of
    their own, the ``top`` corridors of each by change, westbound solid and eastbound dashed, and
    the change in cost per period below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series, totals = result.series, result.period_totals
    fig, axes = plt.subplots(3, 1, figsize=(10.0, 10.0), dpi=100, layout="constrained", sharex=True)
    starts = pd.to_datetime(totals["start"])
    for ax, column, unit in ((axes[0], "volume_teu", "TEU"), (axes[1], "volume_t", "t")):
        change = series.assign(change=series[column] - series[f"{column}_baseline"])
        size = change.groupby("corridor")["change"].agg(lambda v: float(np.abs(v).sum()))
        ranked = size[size > 0.5].sort_values(ascending=False).head(top).index
        for i, corridor in enumerate(ranked):
            color = _PALETTE[i % len(_PALETTE)]
            for direction, style in (("westbound", "-"), ("eastbound", "--")):
                line = change[(change["corridor"] == corridor) & (change["direction"] == direction)]
                if line.empty or not (line["change"].abs() > 0.5).any():
                    continue
                values = totals["period"].map(line.set_index("period")["change"]).fillna(0.0)
                ax.plot(starts, values, style, color=color, marker=".", label=f"{corridor} {direction}")
        ax.axhline(0, color="#333333", linewidth=0.5)
        ax.set_ylabel(f"{unit} per period, against the baseline")
        ax.grid(True, alpha=0.3)
        if len(ranked):
            ax.legend(fontsize=7, ncol=2)
        else:
            ax.text(0.5, 0.5, f"no corridor's {unit} volume changes", transform=ax.transAxes, ha="center")
    delta = totals["delta_cost_usd"].to_numpy(float) / 1e6
    axes[2].bar(starts, delta, width=totals["days"].to_numpy(float) * 0.8, align="edge",
                color=["#c0392b" if v > 0 else "#2ca02c" for v in delta])  # fmt: skip
    axes[2].set_ylabel("change in cost, M USD")
    axes[2].axhline(0, color="#333333", linewidth=0.5)
    axes[0].set_title(title or f"Impact of {result.scenario}, period by period", fontsize=11)
    return _save(fig, path)


FIGURE_SUFFIXES = (".png", ".svg", ".html")
"""What a figure can be written as, chosen by the file name's suffix."""


def check_figure_path(path: str | os.PathLike[str]) -> Path:
    """The path, if its suffix names a format corridor writes (:data:`FIGURE_SUFFIXES`)."""
    from corridor.errors import RequestError

    file = Path(path)
    if file.suffix.lower() not in FIGURE_SUFFIXES:
        raise RequestError(
            f"{file}: cannot write a figure as {file.suffix or 'a file without a suffix'}; "
            f"expected a name ending in {', '.join(FIGURE_SUFFIXES)}"
        )
    return file


def _save(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Write a figure by its suffix (PNG, SVG, or an HTML page holding the SVG), atomically
    (:func:`corridor.store.write_atomically`), and close it."""
    import matplotlib.pyplot as plt

    file = check_figure_path(path)
    try:
        suffix = file.suffix.lower()
        if suffix == ".html":
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg")
            title = fig.axes[0].get_title() if fig.axes else file.stem
            page = (
                '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                f'<title>{html.escape(title)}</title></head>\n<body style="margin:0">\n'
                f"{buffer.getvalue()}\n</body></html>\n"
            )
            return write_atomically(file, lambda tmp: tmp.write_text(page, encoding="utf-8"))
        return write_atomically(file, lambda tmp: fig.savefig(tmp, format=suffix.lstrip(".")))
    finally:
        plt.close(fig)
