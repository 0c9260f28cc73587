"""TPC-H in alopex: the 22 queries with the DataFrame API (queries.py) and in DuckDB SQL (sql.py)."""
