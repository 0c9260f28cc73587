"""A real example: a lazy pipeline over generated sales data.

Run it with `make demo`.
"""

import time

import numpy as np

import alopex as ax

rng = np.random.default_rng(42)
n = 5_000_000
sales = ax.DataFrame(
    {
        "order_id": np.arange(n, dtype=np.int64),
        "store": rng.integers(1, 200, n).astype(np.int32),
        "price": rng.gamma(2.0, 20.0, n),
        "qty": rng.integers(1, 10, n),
        "discount": rng.choice([0.0, 0.05, 0.1, 0.2], n),
    }
)
print(f"alopex {ax.__version__}: {sales.height:,} generated orders\n")

pipeline = (
    sales.lazy()
    .with_columns((ax.col("price") * ax.col("qty") * (1 - ax.col("discount"))).alias("revenue"))
    .filter((ax.col("revenue") > 500) & (ax.col("store") % 7 == 0))
    .select("order_id", "store", "qty", "revenue", (ax.col("revenue") / ax.col("qty")).alias("unit_price"))
    .head(8)
)
print("Optimized plan:")
print(pipeline.explain())

start = time.perf_counter()
result = pipeline.collect()
print(f"Result ({(time.perf_counter() - start) * 1000:.1f} ms):")
print(result)

start = time.perf_counter()
big = sales.lazy().filter(ax.col("discount") == 0.0).select((ax.col("price") * ax.col("qty")).alias("gross")).collect()
elapsed = time.perf_counter() - start
gross = big["gross"].to_numpy()
print(f"\n{big.height:,} undiscounted orders in {elapsed * 1000:.1f} ms; "
      f"gross revenue {gross.sum():,.2f} (to_numpy() is a view of the engine's memory: "
      f"{not gross.flags.owndata})")
