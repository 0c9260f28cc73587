"""The 22 TPC-H queries written with the alopex DataFrame API, as a Polars user would.

Modelled on Polars' own TPC-H implementations (pola-rs/polars-benchmark). ``t`` maps a table
name (region, nation, supplier, customer, part, partsupp, orders, lineitem) to a LazyFrame,
usually ``ax.scan_parquet(path)``; each ``qN(t)`` returns the query as a LazyFrame.

Parameters are the TPC-H validation values (scale factor 0.1 for Q11's fraction). Where
Polars would use a window function, an aggregate inside ``filter`` or ``LazyFrame.unique`` /
``concat`` (not in alopex yet), the query computes the scalar or the distinct set in a
separate lazy query joined back (cross join, or semi/anti join), as Polars users often do.
Money columns are decimals, which alopex computes exactly with Polars' types (Decimal(38, s) at
the larger operand scale, each product rounded to it, halves to even); results are not rounded
(Polars' versions round some to 2 places), so they compare with DuckDB's answers (exact at the
scale s1 + s2 of each product) to a relative tolerance.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Mapping

import alopex as ax

Tables = Mapping[str, ax.LazyFrame]

#: TPC-H scale factor of the data these queries are run on (Q11's fraction depends on it).
SCALE_FACTOR = 0.1


def _revenue() -> ax.Expr:
    return ax.col("l_extendedprice") * (1 - ax.col("l_discount"))


def q1(t: Tables) -> ax.LazyFrame:
    """Pricing summary report."""
    return (
        t["lineitem"]
        .filter(ax.col("l_shipdate") <= date(1998, 9, 2))
        .group_by("l_returnflag", "l_linestatus")
        .agg(
            ax.sum("l_quantity").alias("sum_qty"),
            ax.sum("l_extendedprice").alias("sum_base_price"),
            _revenue().sum().alias("sum_disc_price"),
            (_revenue() * (1 + ax.col("l_tax"))).sum().alias("sum_charge"),
            ax.mean("l_quantity").alias("avg_qty"),
            ax.mean("l_extendedprice").alias("avg_price"),
            ax.mean("l_discount").alias("avg_disc"),
            ax.len().alias("count_order"),
        )
        .sort("l_returnflag", "l_linestatus")
    )


def q2(t: Tables) -> ax.LazyFrame:
    """Minimum cost supplier."""
    europe = (
        t["part"]
        .join(t["partsupp"], left_on="p_partkey", right_on="ps_partkey")
        .join(t["supplier"], left_on="ps_suppkey", right_on="s_suppkey")
        .join(t["nation"], left_on="s_nationkey", right_on="n_nationkey")
        .join(t["region"], left_on="n_regionkey", right_on="r_regionkey")
        .filter(ax.col("p_size") == 15)
        .filter(ax.col("p_type").str.ends_with("BRASS"))
        .filter(ax.col("r_name") == "EUROPE")
    )
    return (
        europe.group_by("p_partkey")
        .agg(ax.min("ps_supplycost"))
        .join(europe, on=["p_partkey", "ps_supplycost"])
        .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
        .sort("s_acctbal", "n_name", "s_name", "p_partkey", descending=[True, False, False, False])
        .head(100)
    )


def q3(t: Tables) -> ax.LazyFrame:
    """Shipping priority."""
    day = date(1995, 3, 15)
    return (
        t["customer"]
        .filter(ax.col("c_mktsegment") == "BUILDING")
        .join(t["orders"], left_on="c_custkey", right_on="o_custkey")
        .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
        .filter(ax.col("o_orderdate") < day)
        .filter(ax.col("l_shipdate") > day)
        .with_columns(_revenue().alias("revenue"))
        .group_by("o_orderkey", "o_orderdate", "o_shippriority")
        .agg(ax.sum("revenue"))
        .select(ax.col("o_orderkey").alias("l_orderkey"), "revenue", "o_orderdate", "o_shippriority")
        .sort("revenue", "o_orderdate", descending=[True, False])
        .head(10)
    )


def q4(t: Tables) -> ax.LazyFrame:
    """Order priority checking."""
    late = t["lineitem"].filter(ax.col("l_commitdate") < ax.col("l_receiptdate"))
    return (
        t["orders"]
        .filter(ax.col("o_orderdate").is_between(date(1993, 7, 1), date(1993, 10, 1), closed="left"))
        .join(late, left_on="o_orderkey", right_on="l_orderkey", how="semi")
        .group_by("o_orderpriority")
        .agg(ax.len().alias("order_count"))
        .sort("o_orderpriority")
    )


def q5(t: Tables) -> ax.LazyFrame:
    """Local supplier volume."""
    return (
        t["region"]
        .join(t["nation"], left_on="r_regionkey", right_on="n_regionkey")
        .join(t["customer"], left_on="n_nationkey", right_on="c_nationkey")
        .join(t["orders"], left_on="c_custkey", right_on="o_custkey")
        .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
        .join(t["supplier"], left_on=["l_suppkey", "n_nationkey"], right_on=["s_suppkey", "s_nationkey"])
        .filter(ax.col("r_name") == "ASIA")
        .filter(ax.col("o_orderdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"))
        .with_columns(_revenue().alias("revenue"))
        .group_by("n_name")
        .agg(ax.sum("revenue"))
        .sort("revenue", descending=True)
    )


def q6(t: Tables) -> ax.LazyFrame:
    """Forecasting revenue change."""
    return (
        t["lineitem"]
        .filter(ax.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"))
        .filter(ax.col("l_discount").is_between(0.05, 0.07))
        .filter(ax.col("l_quantity") < 24)
        .with_columns((ax.col("l_extendedprice") * ax.col("l_discount")).alias("revenue"))
        .select(ax.sum("revenue"))
    )


def q7(t: Tables) -> ax.LazyFrame:
    """Volume shipping (Polars concatenates the two nation orders; one filter does the same)."""
    supp_nation = t["nation"].select("n_nationkey", ax.col("n_name").alias("supp_nation"))
    cust_nation = t["nation"].select("n_nationkey", ax.col("n_name").alias("cust_nation"))
    return (
        t["lineitem"]
        .filter(ax.col("l_shipdate").is_between(date(1995, 1, 1), date(1996, 12, 31)))
        .join(t["supplier"], left_on="l_suppkey", right_on="s_suppkey")
        .join(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
        .join(t["customer"], left_on="o_custkey", right_on="c_custkey")
        .join(supp_nation, left_on="s_nationkey", right_on="n_nationkey")
        .join(cust_nation, left_on="c_nationkey", right_on="n_nationkey")
        .filter(
            ((ax.col("supp_nation") == "FRANCE") & (ax.col("cust_nation") == "GERMANY"))
            | ((ax.col("supp_nation") == "GERMANY") & (ax.col("cust_nation") == "FRANCE"))
        )
        .with_columns(
            _revenue().alias("volume"),
            ax.col("l_shipdate").dt.year().alias("l_year"),
        )
        .group_by("supp_nation", "cust_nation", "l_year")
        .agg(ax.sum("volume").alias("revenue"))
        .sort("supp_nation", "cust_nation", "l_year")
    )


def q8(t: Tables) -> ax.LazyFrame:
    """National market share."""
    n1 = t["nation"].select("n_nationkey", "n_regionkey")
    n2 = t["nation"].select("n_nationkey", "n_name")
    return (
        t["part"]
        .join(t["lineitem"], left_on="p_partkey", right_on="l_partkey")
        .join(t["supplier"], left_on="l_suppkey", right_on="s_suppkey")
        .join(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
        .join(t["customer"], left_on="o_custkey", right_on="c_custkey")
        .join(n1, left_on="c_nationkey", right_on="n_nationkey")
        .join(t["region"], left_on="n_regionkey", right_on="r_regionkey")
        .filter(ax.col("r_name") == "AMERICA")
        .join(n2, left_on="s_nationkey", right_on="n_nationkey")
        .filter(ax.col("o_orderdate").is_between(date(1995, 1, 1), date(1996, 12, 31)))
        .filter(ax.col("p_type") == "ECONOMY ANODIZED STEEL")
        .select(
            ax.col("o_orderdate").dt.year().alias("o_year"),
            _revenue().alias("volume"),
            ax.col("n_name").alias("nation"),
        )
        .with_columns(
            ax.when(ax.col("nation") == "BRAZIL").then(ax.col("volume")).otherwise(0).alias("_tmp")
        )
        .group_by("o_year")
        # The sums are exact Decimals; divided as Decimals (Polars' rule, also in alopex) the share
        # would keep the dividend's scale (0.03), so both are cast to Float64 first.
        .agg((ax.sum("_tmp").cast(ax.Float64) / ax.sum("volume").cast(ax.Float64)).alias("mkt_share"))
        .sort("o_year")
    )


def q9(t: Tables) -> ax.LazyFrame:
    """Product type profit measure."""
    return (
        t["part"]
        .join(t["partsupp"], left_on="p_partkey", right_on="ps_partkey")
        .join(t["supplier"], left_on="ps_suppkey", right_on="s_suppkey")
        .join(t["lineitem"], left_on=["p_partkey", "ps_suppkey"], right_on=["l_partkey", "l_suppkey"])
        .join(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
        .join(t["nation"], left_on="s_nationkey", right_on="n_nationkey")
        .filter(ax.col("p_name").str.contains("green"))
        .select(
            ax.col("n_name").alias("nation"),
            ax.col("o_orderdate").dt.year().alias("o_year"),
            (_revenue() - ax.col("ps_supplycost") * ax.col("l_quantity")).alias("amount"),
        )
        .group_by("nation", "o_year")
        .agg(ax.sum("amount").alias("sum_profit"))
        .sort("nation", "o_year", descending=[False, True])
    )


def q10(t: Tables) -> ax.LazyFrame:
    """Returned item reporting."""
    return (
        t["customer"]
        .join(t["orders"], left_on="c_custkey", right_on="o_custkey")
        .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
        .join(t["nation"], left_on="c_nationkey", right_on="n_nationkey")
        .filter(ax.col("o_orderdate").is_between(date(1993, 10, 1), date(1994, 1, 1), closed="left"))
        .filter(ax.col("l_returnflag") == "R")
        .group_by("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
        .agg(_revenue().sum().alias("revenue"))
        .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
        .sort("revenue", descending=True)
        .head(20)
    )


def q11(t: Tables) -> ax.LazyFrame:
    """Important stock identification (the threshold is a global sum, cross-joined back)."""
    fraction = 0.0001 / SCALE_FACTOR
    german = (
        t["partsupp"]
        .join(t["supplier"], left_on="ps_suppkey", right_on="s_suppkey")
        .join(t["nation"], left_on="s_nationkey", right_on="n_nationkey")
        .filter(ax.col("n_name") == "GERMANY")
    )
    threshold = german.select(((ax.col("ps_supplycost") * ax.col("ps_availqty")).sum() * fraction).alias("tmp"))
    return (
        german.group_by("ps_partkey")
        .agg((ax.col("ps_supplycost") * ax.col("ps_availqty")).sum().alias("value"))
        .join(threshold, how="cross")
        .filter(ax.col("value") > ax.col("tmp"))
        .select("ps_partkey", "value")
        .sort("value", descending=True)
    )


def q12(t: Tables) -> ax.LazyFrame:
    """Shipping modes and order priority."""
    high = ax.col("o_orderpriority").is_in(["1-URGENT", "2-HIGH"])
    return (
        t["orders"]
        .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
        .filter(ax.col("l_shipmode").is_in(["MAIL", "SHIP"]))
        .filter(ax.col("l_commitdate") < ax.col("l_receiptdate"))
        .filter(ax.col("l_shipdate") < ax.col("l_commitdate"))
        .filter(ax.col("l_receiptdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"))
        .with_columns(
            ax.when(high).then(1).otherwise(0).alias("high_line_count"),
            ax.when(high.not_()).then(1).otherwise(0).alias("low_line_count"),
        )
        .group_by("l_shipmode")
        .agg(ax.col("high_line_count").sum(), ax.col("low_line_count").sum())
        .sort("l_shipmode")
    )


def q13(t: Tables) -> ax.LazyFrame:
    """Customer distribution."""
    return (
        t["customer"]
        .join(
            t["orders"].filter(ax.col("o_comment").str.contains("special.*requests").not_()),
            left_on="c_custkey", right_on="o_custkey", how="left",
        )
        .group_by("c_custkey")
        .agg(ax.col("o_orderkey").count().alias("c_count"))
        .group_by("c_count")
        .len()
        .select("c_count", ax.col("len").alias("custdist"))
        .sort("custdist", "c_count", descending=[True, True])
    )


def q14(t: Tables) -> ax.LazyFrame:
    """Promotion effect."""
    return (
        t["lineitem"]
        .join(t["part"], left_on="l_partkey", right_on="p_partkey")
        .filter(ax.col("l_shipdate").is_between(date(1995, 9, 1), date(1995, 10, 1), closed="left"))
        .select(
            (
                100.00
                * ax.when(ax.col("p_type").str.starts_with("PROMO")).then(_revenue()).otherwise(0).sum()
                / _revenue().sum()
            ).alias("promo_revenue")
        )
    )


def q15(t: Tables) -> ax.LazyFrame:
    """Top supplier (the maximum revenue is a global max, joined back).

    The revenue is an exact Decimal sum, so the subquery run a second time for the join back
    gives the same value and the equality with the max holds (the round(4) is a no-op kept
    from when sums were Float64 and two parallel float sums could differ in the last bit).
    """
    revenue = (
        t["lineitem"]
        .filter(ax.col("l_shipdate").is_between(date(1996, 1, 1), date(1996, 4, 1), closed="left"))
        .group_by("l_suppkey")
        .agg(_revenue().sum().round(4).alias("total_revenue"))
        .select(ax.col("l_suppkey").alias("supplier_no"), "total_revenue")
    )
    top = revenue.select(ax.col("total_revenue").max())
    return (
        t["supplier"]
        .join(revenue, left_on="s_suppkey", right_on="supplier_no")
        .join(top, on="total_revenue", how="semi")
        .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
        .sort("s_suppkey")
    )


def q16(t: Tables) -> ax.LazyFrame:
    """Parts/supplier relationship."""
    complainers = t["supplier"].filter(ax.col("s_comment").str.contains(".*Customer.*Complaints.*"))
    return (
        t["part"]
        .join(t["partsupp"], left_on="p_partkey", right_on="ps_partkey")
        .filter(ax.col("p_brand") != "Brand#45")
        .filter(ax.col("p_type").str.starts_with("MEDIUM POLISHED").not_())
        .filter(ax.col("p_size").is_in([49, 14, 23, 45, 19, 3, 36, 9]))
        .join(complainers, left_on="ps_suppkey", right_on="s_suppkey", how="anti")
        .group_by("p_brand", "p_type", "p_size")
        .agg(ax.col("ps_suppkey").n_unique().alias("supplier_cnt"))
        .sort("supplier_cnt", "p_brand", "p_type", "p_size", descending=[True, False, False, False])
    )


def q17(t: Tables) -> ax.LazyFrame:
    """Small-quantity-order revenue."""
    parts = (
        t["part"]
        .filter(ax.col("p_brand") == "Brand#23")
        .filter(ax.col("p_container") == "MED BOX")
        .join(t["lineitem"], left_on="p_partkey", right_on="l_partkey", how="left")
    )
    avg = parts.group_by("p_partkey").agg((0.2 * ax.col("l_quantity").mean()).alias("avg_quantity"))
    return (
        avg.join(parts, left_on="p_partkey", right_on="p_partkey")
        .filter(ax.col("l_quantity") < ax.col("avg_quantity"))
        .select((ax.col("l_extendedprice").sum() / 7.0).alias("avg_yearly"))
    )


def q18(t: Tables) -> ax.LazyFrame:
    """Large volume customer."""
    big = (
        t["lineitem"]
        .group_by("l_orderkey")
        .agg(ax.col("l_quantity").sum().alias("sum_quantity"))
        .filter(ax.col("sum_quantity") > 300)
    )
    return (
        t["orders"]
        .join(big, left_on="o_orderkey", right_on="l_orderkey", how="semi")
        .join(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
        .join(t["customer"], left_on="o_custkey", right_on="c_custkey")
        .group_by("c_name", "o_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
        .agg(ax.col("l_quantity").sum().alias("col6"))
        .select(
            "c_name",
            ax.col("o_custkey").alias("c_custkey"),
            "o_orderkey",
            ax.col("o_orderdate").alias("o_orderdat"),
            "o_totalprice",
            "col6",
        )
        .sort("o_totalprice", "o_orderdat", descending=[True, False])
        .head(100)
    )


def q19(t: Tables) -> ax.LazyFrame:
    """Discounted revenue."""
    return (
        t["part"]
        .join(t["lineitem"], left_on="p_partkey", right_on="l_partkey")
        .filter(ax.col("l_shipmode").is_in(["AIR", "AIR REG"]))
        .filter(ax.col("l_shipinstruct") == "DELIVER IN PERSON")
        .filter(
            (
                (ax.col("p_brand") == "Brand#12")
                & ax.col("p_container").is_in(["SM CASE", "SM BOX", "SM PACK", "SM PKG"])
                & ax.col("l_quantity").is_between(1, 11)
                & ax.col("p_size").is_between(1, 5)
            )
            | (
                (ax.col("p_brand") == "Brand#23")
                & ax.col("p_container").is_in(["MED BAG", "MED BOX", "MED PKG", "MED PACK"])
                & ax.col("l_quantity").is_between(10, 20)
                & ax.col("p_size").is_between(1, 10)
            )
            | (
                (ax.col("p_brand") == "Brand#34")
                & ax.col("p_container").is_in(["LG CASE", "LG BOX", "LG PACK", "LG PKG"])
                & ax.col("l_quantity").is_between(20, 30)
                & ax.col("p_size").is_between(1, 15)
            )
        )
        .select(_revenue().sum().alias("revenue"))
    )


def q20(t: Tables) -> ax.LazyFrame:
    """Potential part promotion."""
    shipped = (
        t["lineitem"]
        .filter(ax.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"))
        .group_by("l_partkey", "l_suppkey")
        .agg((ax.col("l_quantity").sum() * 0.5).alias("sum_quantity"))
    )
    forest = t["part"].filter(ax.col("p_name").str.starts_with("forest"))
    excess = (
        t["partsupp"]
        .join(forest, left_on="ps_partkey", right_on="p_partkey", how="semi")
        .join(shipped, left_on=["ps_suppkey", "ps_partkey"], right_on=["l_suppkey", "l_partkey"])
        .filter(ax.col("ps_availqty") > ax.col("sum_quantity"))
    )
    canada = t["nation"].filter(ax.col("n_name") == "CANADA")
    return (
        t["supplier"]
        .join(canada, left_on="s_nationkey", right_on="n_nationkey")
        .join(excess, left_on="s_suppkey", right_on="ps_suppkey", how="semi")
        .select("s_name", "s_address")
        .sort("s_name")
    )


def q21(t: Tables) -> ax.LazyFrame:
    """Suppliers who kept orders waiting."""
    lineitem = t["lineitem"]
    multi = (
        lineitem.group_by("l_orderkey")
        .agg(ax.col("l_suppkey").n_unique().alias("nunique_col"))
        .filter(ax.col("nunique_col") > 1)
        .join(lineitem.filter(ax.col("l_receiptdate") > ax.col("l_commitdate")), on="l_orderkey")
    )
    return (
        multi.group_by("l_orderkey")
        .agg(ax.col("l_suppkey").n_unique().alias("nunique_col"))
        .join(multi, on="l_orderkey")
        .join(t["supplier"], left_on="l_suppkey", right_on="s_suppkey")
        .join(t["nation"], left_on="s_nationkey", right_on="n_nationkey")
        .join(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
        .filter(ax.col("nunique_col") == 1)
        .filter(ax.col("n_name") == "SAUDI ARABIA")
        .filter(ax.col("o_orderstatus") == "F")
        .group_by("s_name")
        .agg(ax.len().alias("numwait"))
        .sort("numwait", "s_name", descending=[True, False])
        .head(100)
    )


def q22(t: Tables) -> ax.LazyFrame:
    """Global sales opportunity (the average balance is a global mean, cross-joined back)."""
    codes = ["13", "31", "23", "29", "30", "18", "17"]
    candidates = (
        t["customer"]
        .with_columns(ax.col("c_phone").str.slice(0, 2).alias("cntrycode"))
        .filter(ax.col("cntrycode").is_in(codes))
        .select("c_acctbal", "c_custkey", "cntrycode")
    )
    avg = candidates.filter(ax.col("c_acctbal") > 0.0).select(ax.col("c_acctbal").mean().alias("avg_acctbal"))
    return (
        candidates.join(t["orders"], left_on="c_custkey", right_on="o_custkey", how="anti")
        .join(avg, how="cross")
        .filter(ax.col("c_acctbal") > ax.col("avg_acctbal"))
        .group_by("cntrycode")
        .agg(ax.col("c_acctbal").count().alias("numcust"), ax.col("c_acctbal").sum().alias("totacctbal"))
        .sort("cntrycode")
    )


QUERIES: dict[int, Callable[[Tables], ax.LazyFrame]] = {
    n: globals()[f"q{n}"] for n in range(1, 23)
}
