"""Small helpers for tables going out of the library (JSON, the results store)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["json_records"]


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts for JSON: NaN (nothing to compare with) becomes None."""
    return [
        {str(k): (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]
