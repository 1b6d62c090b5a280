"""The capacitated assignment: demand placed on the network by a min-cost multi-commodity flow LP.

* :mod:`corridor.flow.demand`: origin-destination demand, loaded and checked;
* :mod:`corridor.flow.segments`: shipper segments (value of time) and queue waiting curves;
* :mod:`corridor.flow.model`: the LP's arrays and the result records;
* :mod:`corridor.flow.build`, :mod:`corridor.flow.solve`, :mod:`corridor.flow.read`: the three
  stages (write the LP, solve it with HiGHS, read the tables back), each callable alone;
* :mod:`corridor.flow.pricing`: the same LP through a priced master (large networks);
* :mod:`corridor.flow.warm`: warm-started re-solves after closures and derates (for sweeps);
* :mod:`corridor.flow.assignment`: :func:`assign`, the three stages in one call.
"""

from corridor.flow.assignment import assign, combine_assignments, reference_loads
from corridor.flow.build import build_assignment
from corridor.flow.demand import BUILTIN_DEMAND, Demand, demand_from_frame, load_demand, synthetic_demand
from corridor.flow.model import LP_METHODS, PRICED_FROM_COLUMNS, Assignment, AssignmentModel, LPSolution
from corridor.flow.pricing import PricedLP, solve_priced
from corridor.flow.read import arc_waits, read_assignment
from corridor.flow.segments import DEFAULT_SEGMENT, USE_BREAKPOINTS, SegmentBook, segment_book, wait_hours, wait_pieces
from corridor.flow.solve import solve_assignment, solve_model
from corridor.flow.warm import FLOW_TOLERANCE, SolveOutcome, WarmSolver, solve_outcome

__all__ = [
    "BUILTIN_DEMAND",
    "DEFAULT_SEGMENT",
    "FLOW_TOLERANCE",
    "LP_METHODS",
    "PRICED_FROM_COLUMNS",
    "USE_BREAKPOINTS",
    "Assignment",
    "AssignmentModel",
    "Demand",
    "LPSolution",
    "PricedLP",
    "SegmentBook",
    "SolveOutcome",
    "WarmSolver",
    "arc_waits",
    "assign",
    "build_assignment",
    "combine_assignments",
    "demand_from_frame",
    "load_demand",
    "read_assignment",
    "reference_loads",
    "segment_book",
    "solve_assignment",
    "solve_model",
    "solve_outcome",
    "solve_priced",
    "synthetic_demand",
    "wait_hours",
    "wait_pieces",
]
