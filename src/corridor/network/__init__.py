"""The network: columnar tables of nodes, links and the reference data around them, and what is built from them.

* :mod:`corridor.network.schema`: the column schema of every table (data in ``data/schema``),
  CSV reading and cell parsing;
* :mod:`corridor.network.validate`: the checks across tables (references, units, tariffs, connectivity);
* :mod:`corridor.network.tables`: the :class:`Network` record, loading and validation;
* :mod:`corridor.network.compiled`: the tables compiled once to index arrays for the algorithms;
* :mod:`corridor.network.history`: the network of a day (dated elements, the capacity history);
* :mod:`corridor.network.places`: what users type (names, Russian names, aliases, groups) resolved to ids;
* :mod:`corridor.network.outlines`: country outlines (Natural Earth) for maps;
* :mod:`corridor.network.synthetic`: synthetic networks of any size for benchmarks and tests;
* :mod:`corridor.network.osm`: a national network imported from OpenStreetMap (the ``osm`` extra).
"""

from corridor.network.compiled import CompiledNetwork, SharedCapacity, compile_network
from corridor.network.history import dated_stretches, day_networks, network_changes, network_on, parse_day, year_span
from corridor.network.outlines import Country, load_countries
from corridor.network.parameters import (
    PARAMETER_KINDS,
    PARAMETERS_FILE,
    apply_parameters,
    read_parameters,
    read_string_table,
)
from corridor.network.places import NameIndex, build_name_index, fold, group_members, link_lines, place_nodes
from corridor.network.schema import (
    ASSUMPTION,
    TABLES,
    Column,
    RawTable,
    TableSchema,
    country_codes,
    parse_rows,
    raw_table,
    read_csv_rows,
    records,
    rows_from_frame,
    schema_for,
    split_source,
)
from corridor.network.synthetic import SYNTHETIC_SOURCE, synthetic_network, synthetic_tables
from corridor.network.tables import (
    BUILTIN_DATASET,
    Network,
    builtin_dataset_path,
    commodity_units,
    load_network,
    network_from_frames,
    validate_dataset,
)

__all__ = [
    "ASSUMPTION",
    "BUILTIN_DATASET",
    "PARAMETERS_FILE",
    "PARAMETER_KINDS",
    "SYNTHETIC_SOURCE",
    "TABLES",
    "Column",
    "CompiledNetwork",
    "Country",
    "NameIndex",
    "Network",
    "RawTable",
    "SharedCapacity",
    "TableSchema",
    "apply_parameters",
    "build_name_index",
    "builtin_dataset_path",
    "commodity_units",
    "compile_network",
    "country_codes",
    "dated_stretches",
    "day_networks",
    "fold",
    "group_members",
    "link_lines",
    "load_countries",
    "load_network",
    "network_changes",
    "network_from_frames",
    "network_on",
    "parse_day",
    "parse_rows",
    "place_nodes",
    "raw_table",
    "read_csv_rows",
    "read_parameters",
    "read_string_table",
    "records",
    "rows_from_frame",
    "schema_for",
    "split_source",
    "synthetic_network",
    "synthetic_tables",
    "validate_dataset",
    "year_span",
]
