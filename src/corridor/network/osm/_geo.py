"""Plane geometry on lon/lat arrays: great-circle lengths, segment crossings found through a grid,
points in polygons. NumPy only; every function takes whole arrays."""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "crossings", "haversine_km", "local_xy_km", "points_in_rings"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the usual one for great-circle lengths."""


def haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance between point pairs, km.

    Examples
    --------
    >>> round(float(haversine_km(np.array([0.0]), np.array([0.0]), np.array([1.0]), np.array([0.0]))[0]), 2)
    111.2
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))  # type: ignore[no-any-return]


def local_xy_km(lon: np.ndarray, lat: np.ndarray, ref_lat: float) -> np.ndarray:
    """Points as (x, y) km on a plane tangent at ``ref_lat`` (good to a fraction of a percent
    over a few hundred km; used to find neighbours, never for lengths)."""
    k = np.radians(1.0) * EARTH_RADIUS_KM
    return np.column_stack([lon * k * np.cos(np.radians(ref_lat)), lat * k])


_ROW = 4_000_003
"""Cell keys are ``column * _ROW + row``: more rows than any grid over the globe can have (a cell
is at least 1e-6 degrees only when segments are that short, and then the grid spans a small area)."""
_CHUNK = 2048
"""Points tested against a ring at once (bounds the memory of the point x edge matrix)."""


def _grid_cells(seg: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """(segment index, cell key) for every grid cell a segment's bounding box covers."""
    x0 = np.floor(np.minimum(seg[:, 0], seg[:, 2]) / cell).astype(np.int64)
    x1 = np.floor(np.maximum(seg[:, 0], seg[:, 2]) / cell).astype(np.int64)
    y0 = np.floor(np.minimum(seg[:, 1], seg[:, 3]) / cell).astype(np.int64)
    y1 = np.floor(np.maximum(seg[:, 1], seg[:, 3]) / cell).astype(np.int64)
    nx, ny = x1 - x0 + 1, y1 - y0 + 1
    count = nx * ny
    index = np.repeat(np.arange(len(seg)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    nxr = nx[index]
    gx, gy = x0[index] + offset % nxr, y0[index] + offset // nxr
    return index, gx * _ROW + gy


def crossings(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of crossing segments between two sets, each row ``x1, y1, x2, y2``.

    Returns the index in ``a``, the index in ``b`` and where along the ``a`` segment (0..1) they
    cross. Candidates come from a grid whose cells are about twice the typical segment, so the
    work grows with the segments, not with their product.

    Examples
    --------
    >>> a = np.array([[0.0, 0.0, 2.0, 0.0]]); b = np.array([[1.0, -1.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0]])
    >>> crossings(a, b)
    (array([0]), array([0]), array([0.5]))
    """
    empty = np.zeros(0, np.int64)
    if len(a) == 0 or len(b) == 0:
        return empty, empty, np.zeros(0)
    spans = np.concatenate(
        [np.hypot(a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]), np.hypot(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])]
    )
    cell = max(float(np.median(spans)) * 2.0, 1e-6)
    ia, ka = _grid_cells(a, cell)
    ib, kb = _grid_cells(b, cell)
    order = np.argsort(kb, kind="stable")
    kb, ib = kb[order], ib[order]
    lo, hi = np.searchsorted(kb, ka, "left"), np.searchsorted(kb, ka, "right")
    n = hi - lo
    pa = np.repeat(ia, n)
    pb = ib[np.repeat(lo, n) + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))]
    if len(pa) == 0:
        return empty, empty, np.zeros(0)
    pairs = np.unique(np.column_stack([pa, pb]), axis=0)
    pa, pb = pairs[:, 0], pairs[:, 1]
    p, r = a[pa, :2], a[pa, 2:] - a[pa, :2]
    q, s = b[pb, :2], b[pb, 2:] - b[pb, :2]
    denom = r[:, 0] * s[:, 1] - r[:, 1] * s[:, 0]
    qp = q - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (qp[:, 0] * s[:, 1] - qp[:, 1] * s[:, 0]) / denom
        u = (qp[:, 0] * r[:, 1] - qp[:, 1] * r[:, 0]) / denom
    # half-open on the a side, so a crossing through a shared vertex counts once
    hit = (denom != 0) & (t >= 0) & (t < 1) & (u >= 0) & (u <= 1)
    return pa[hit], pb[hit], t[hit]


def points_in_rings(lon: np.ndarray, lat: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Whether each point lies inside the area the rings enclose (even-odd rule: holes count).

    Examples
    --------
    >>> square = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]])
    >>> points_in_rings(np.array([1.0, 3.0]), np.array([1.0, 1.0]), [square]).tolist()
    [True, False]
    """
    inside = np.zeros(len(lon), dtype=bool)
    for ring in rings:
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        for start in range(0, len(lon), _CHUNK):
            px = lon[start : start + _CHUNK, None]
            py = lat[start : start + _CHUNK, None]
            straddles = (y1 > py) != (y2 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            flips = np.count_nonzero(straddles & (px < x_at), axis=1) % 2 == 1
            inside[start : start + _CHUNK] ^= flips
    return inside
