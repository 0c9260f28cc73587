"""A subplan used twice is computed once, also when its uses read different columns.

TPC-H Q2's shape: a join ("europe") aggregated on one side and joined back on the other,
where the aggregate reads two columns and the join back keeps more. Results are checked
against Polars; the plan must show one CACHE used by both uses."""

from __future__ import annotations

import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")


def _query(m, part, supp):
    europe = part.join(supp, left_on="pk", right_on="ps_pk").filter(m.col("region") == "EU")
    return (
        europe.group_by("pk").agg(m.col("cost").min())
        .join(europe, on=["pk", "cost"])
        .select("pk", "name", "cost", "addr")
        .sort("pk", "name")
    )


PART = {"pk": [1, 2, 3, 4], "kind": ["a", "b", "a", "c"]}
SUPP = {
    "ps_pk": [1, 1, 2, 2, 3, 4, 4],
    "cost": [5, 3, 7, 7, 1, None, 2],
    "name": ["s1", "s2", "s3", "s4", "s5", "s6", "s7"],
    "addr": ["x", "y", "z", "w", "v", "u", "t"],
    "region": ["EU", "EU", "EU", "EU", "US", "EU", "EU"],
}


def test_shared_subplan_with_different_columns_is_cached_once():
    lf = _query(ax, ax.DataFrame(pa.table(PART)).lazy(), ax.DataFrame(pa.table(SUPP)).lazy())
    plan = lf.explain()
    assert plan.count("CACHE id=0") == 2, plan
    assert "CACHE id=1" not in plan, plan
    want = _query(pl, pl.DataFrame(PART).lazy(), pl.DataFrame(SUPP).lazy()).collect()
    assert lf.collect().rows() == want.rows()
