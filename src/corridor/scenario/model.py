"""The scenario model: named sets of disruptions and policies, as validated pydantic records.

A scenario never edits the network: it is data that routing and the assignment read (a closure
is a capacity share of zero, not a deleted link). Events: close or derate a node, link or group
for a date range or N days; bar transit through countries (optionally for some commodities);
multiply tariffs or times; add a risk premium (a share of the cargo's value) on links in some
countries; change demand; add capacity or a link. A scenario may extend another (``extends``). Each event is a
disruption or a market condition (:data:`Category`): closures, derates, bars, premiums and
slow-downs are disruptions; tariff multipliers, demand changes and investments are market
conditions, unless the event says otherwise (``category:``).

Every class here is public; :mod:`corridor.scenario` states them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class StrictModel(BaseModel):
    """A frozen pydantic model that refuses unknown fields: the base of every YAML record corridor reads."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


MAX_DAYS = 36_600
"""The longest event or horizon, in days (a century)."""
MAX_FACTOR = 1_000.0
"""The largest multiplier a scenario may apply (tariffs, times, demand, capacity)."""


Category = Literal["disruption", "market"]
"""What an event is to an impact: a ``disruption`` (something goes wrong: a closure, a derate, a
transit bar, a priced risk, a slow-down) or a ``market`` condition (what the disruption meets:
freight rates and tariffs, demand, and the network as built, investments included). An impact
prices a scenario's disruptions against the same scenario with only its market conditions."""


class _Timed(StrictModel):
    """When an event holds: from ``start`` to ``end`` (inclusive), or ``days`` from ``start``;
    ``category`` overrides the event type's (:data:`Category`)."""

    default_category: ClassVar[Category] = "disruption"

    category: Category | None = Field(
        default=None, description="disruption or market (default: the event type's, see Category)"
    )
    start: dt.date | None = None
    end: dt.date | None = None
    days: float | None = Field(default=None, gt=0, le=MAX_DAYS)
    until_further_notice: bool = False
    source: str | None = None
    note: str | None = None
    review: dict[str, str] = Field(
        default_factory=dict,
        description="fields a person must settle (field -> why); validation refuses the event while any is left",
    )

    @model_validator(mode="after")
    def _dates(self) -> _Timed:
        if self.end is not None and self.start is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.end is not None and self.days is not None:
            raise ValueError("give end or days, not both")
        if self.until_further_notice and (self.end is not None or self.days is not None):
            raise ValueError("an event until further notice has no end and no days")
        return self

    def window(self, horizon: Horizon) -> tuple[dt.date, dt.date]:
        """First and last day the event holds, clipped to the horizon (end inclusive)."""
        start = self.start or horizon.start
        if self.until_further_notice:
            end = horizon.end
        elif self.days is not None:
            try:
                end = start + dt.timedelta(days=self.days - 1)
            except OverflowError:  # past year 9999: holds to the end of any horizon
                end = dt.date.max
        else:
            end = self.end or horizon.end
        return max(start, horizon.start), min(end, horizon.end)

    @property
    def kind(self) -> Category:
        """The event's category: its own ``category``, else its type's default."""
        return self.category or self.default_category

    def share_of(self, horizon: Horizon) -> float:
        """Share of the horizon's days the event holds."""
        first, last = self.window(horizon)
        return max((last - first).days + 1, 0) / horizon.days


class Close(_Timed):
    type: Literal["close"]
    target: str


class Derate(_Timed):
    type: Literal["derate"]
    target: str
    capacity_share: float = Field(ge=0, le=1, description="share of capacity left while the event holds")


class BarTransit(_Timed):
    """No transit through ``countries``, for some ``commodities``, and for cargo between some
    countries only (``origins`` / ``destinations``: trade with the EU, say).

    ``direction`` says which way it holds: ``both`` (the default: cargo from ``origins`` to
    ``destinations`` and back again, as shippers who avoid a route avoid it both ways),
    ``one_way`` (only as listed), ``westbound`` or ``eastbound`` (as listed, or mirrored, and only
    cargo heading that way: destination west, or east, of origin).
    """

    type: Literal["bar_transit"]
    countries: list[str] = Field(min_length=1)
    commodities: list[str] | None = None
    destinations: list[str] | None = None
    origins: list[str] | None = None
    direction: Literal["both", "one_way", "westbound", "eastbound"] = "both"
    segments: list[str] | None = Field(default=None, description="only these shipper segments (segments.csv)")


class MultiplyTariff(_Timed):
    """Tariffs multiplied on the links named by ``target`` or ``countries``, or on every link of
    some ``modes`` (freight rates rising or falling: the sea spot market)."""

    type: Literal["multiply_tariff"]
    default_category: ClassVar[Category] = "market"
    factor: float = Field(gt=0, le=MAX_FACTOR)
    target: str | None = None
    countries: list[str] | None = None
    modes: list[str] | None = None
    commodities: list[str] | None = None


class MultiplyTime(_Timed):
    """Slower passage (queues at a border, a slow-down): transit and dwell times multiplied.

    The extra time costs each unit its commodity's value of time, so cargo may take a faster
    route and the impact counts the delay in money.
    """

    type: Literal["multiply_time"]
    factor: float = Field(gt=0, le=MAX_FACTOR)
    target: str | None = None
    countries: list[str] | None = None


class RiskPremium(_Timed):
    """A premium (war risk, insurance) charged on each link the cargo uses among those named.

    Name the links by ``target`` (a link or a group) or by ``countries`` (every link touching
    them, optionally only of some ``modes``); it is charged once per link passed.
    """

    type: Literal["risk_premium"]
    share_of_value: float = Field(
        default=0.0, ge=0, le=1, description="premium as a share of the cargo's value, per link passed"
    )
    expected_delay_days: float = Field(
        default=0.0,
        ge=0,
        le=365,
        description="risk as days of delay a shipper expects (held at a border, a box stranded), priced at each "
        "segment's value of time, per link passed",
    )
    target: str | None = None
    countries: list[str] | None = None
    modes: list[str] | None = None
    commodities: list[str] | None = None
    segments: list[str] | None = Field(default=None, description="only these shipper segments (segments.csv)")

    @model_validator(mode="after")
    def _named(self) -> RiskPremium:
        if not self.target and not self.countries:
            raise ValueError("name the links: give target or countries")
        if self.share_of_value == 0 and self.expected_delay_days == 0:
            raise ValueError("give share_of_value or expected_delay_days (or both)")
        return self


class ChangeDemand(_Timed):
    type: Literal["demand"]
    default_category: ClassVar[Category] = "market"
    factor: float = Field(ge=0, le=MAX_FACTOR)
    origin: str | None = None
    destination: str | None = None
    commodity: str | None = None


class AddCapacity(_Timed):
    type: Literal["add_capacity"]
    default_category: ClassVar[Category] = "market"
    target: str
    factor: float = Field(gt=0, le=MAX_FACTOR, description="capacity multiplied by this (2 doubles it)")
    cost_usd: float | None = Field(default=None, ge=0, le=1e13, description="investment cost, for appraisal")


class AddLink(_Timed):
    """A new link (an investment: a ferry line, a rail spur), open while the event holds.

    ``link`` is a row of links.csv (id, from, to, mode, length_km, countries, and a source for
    every number); ``tariffs`` are rows of tariffs.csv for it when its mode's rows do not apply.
    """

    type: Literal["add_link"]
    default_category: ClassVar[Category] = "market"
    link: dict[str, Any]
    tariffs: list[dict[str, Any]] = Field(default_factory=list)
    cost_usd: float | None = Field(default=None, ge=0, le=1e13, description="investment cost, for appraisal")


Event = Annotated[
    Close | Derate | BarTransit | MultiplyTariff | MultiplyTime | RiskPremium | ChangeDemand | AddCapacity | AddLink,
    Field(discriminator="type"),
]


class Horizon(StrictModel):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Horizon:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise ValueError(f"the horizon is {(self.end - self.start).days + 1:,} days; expected at most {MAX_DAYS:,}")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


COST_OF_CAPITAL_PER_YEAR = 0.10
"""Cost of capital of deferred crude, a share of its value a year. Assumption: 10 percent a year,
the rate at which commodities.csv already prices crude's time (capital tied up in oil in transit)
and the discount rate of the standardised measure of oil reserves (PV-10)."""
DEFERRAL_DAYS = 180.0
"""Days until output that was cut is produced and sold. Assumption: made up within about half a
year of the cut once the outlet reopens; no published make-up period for Kazakh fields was found,
so the impact reports the carrying cost apart for a reader to scale."""


class Oil(StrictModel):
    """What crude is worth in a scenario: a price and the blend's discount to it, per barrel.

    Crude that cannot leave fills the fields' storage, then output is cut: the cut output is
    deferred (produced later), not destroyed, so it costs its carrying cost: its value (the
    price less the blend's discount) times ``cost_of_capital_per_year`` over ``deferral_days``,
    plus ``storage_usd_per_bbl_day`` where storage is paid (none while it waits in the
    reservoir). ``lost_share`` is the part of it never produced at all: that part costs its
    value.
    """

    price_usd_per_bbl: float = Field(gt=0, le=1000)
    blend_discount_usd_per_bbl: float = Field(default=0.0, ge=0, le=1000)
    lost_share: float = Field(default=0.0, ge=0, le=1)
    cost_of_capital_per_year: float = Field(
        default=COST_OF_CAPITAL_PER_YEAR, ge=0, le=1, description="share of the deferred value a year"
    )
    deferral_days: float = Field(default=DEFERRAL_DAYS, ge=0, le=MAX_DAYS, description="days until cut output is sold")
    storage_usd_per_bbl_day: float = Field(default=0.0, ge=0, le=10, description="storage paid on deferred output")
    source: str | None = None

    @model_validator(mode="after")
    def _discount(self) -> Oil:
        if self.blend_discount_usd_per_bbl >= self.price_usd_per_bbl:
            raise ValueError("blend_discount_usd_per_bbl must be below price_usd_per_bbl")
        return self

    def carrying_share(self) -> float:
        """Carrying cost of deferred output as a share of its value (storage aside)."""
        return self.cost_of_capital_per_year * self.deferral_days / 365.0


DEFAULT_HORIZON = Horizon(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))


class Scenario(StrictModel):
    """A named set of events over a horizon; ``extends`` names a scenario whose events come first."""

    name: str = Field(min_length=1)
    description: str = ""
    extends: str | None = None
    horizon: Horizon | None = None
    events: list[Event] = Field(default_factory=list)
    source: str | None = None
    oil: Oil | None = None

    def on(self, day: dt.date) -> Scenario:
        """The scenario as it stands on one day: a one-day horizon, so every event holds fully or
        not at all (a closure then takes its elements out, capacity figure or not). For sweeps."""
        return self.model_copy(update={"horizon": Horizon(start=day, end=day)})

    def busiest_day(self, horizon: Horizon | None = None) -> dt.date:
        """The first day on which the most events hold (the scenario's fullest state)."""
        stretches = self.stretches(horizon)
        counts = [sum(1 for e in self.events if e.share_of(s) > 0) for s in stretches]
        return stretches[counts.index(max(counts))].start

    def stretches(self, horizon: Horizon | None = None, *, max_days: int | None = None) -> list[Horizon]:
        """The horizon cut wherever an event starts or ends, so that in each stretch every event
        holds all the time or not at all (and, with ``max_days``, no stretch is longer).

        The cuts depend on the events alone, never on how results are grouped for reporting: an
        answer computed stretch by stretch is the same whatever period the user reads it in.
        """
        horizon = horizon or self.horizon or DEFAULT_HORIZON
        cuts = {horizon.start, horizon.end + dt.timedelta(days=1)}
        for event in self.events:
            first, last = event.window(horizon)
            if first <= last:
                cuts |= {first, last + dt.timedelta(days=1)}
        if max_days:
            day = horizon.start
            while day <= horizon.end:
                cuts.add(day)
                day += dt.timedelta(days=max_days)
        edges = sorted(c for c in cuts if horizon.start <= c <= horizon.end + dt.timedelta(days=1))
        return [Horizon(start=a, end=b - dt.timedelta(days=1)) for a, b in itertools.pairwise(edges)]
