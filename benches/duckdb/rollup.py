"""DuckDB's figure for the roll-up benchmark (issue 3): the total of every subtree of the
100,000-node six-level hierarchy over the entries `benches/ledger.rs` exports.

Not part of CI or Cargo.toml. See README.md in this directory for how to run it.
"""

import sys
import time

import duckdb

QUERIES = {
    # Closure table (ancestor, descendant), built once from the tree: the same shape as the
    # SQLite query in benches/ledger.rs.
    "closure_table": """
        SELECT c.ancestor, SUM(o.s) AS total
        FROM (SELECT organiser, SUM(minutes) AS s FROM entries GROUP BY organiser) AS o
        JOIN closure AS c ON c.descendant = o.organiser
        GROUP BY c.ancestor
    """,
    # Ancestor columns (a1..a6: the node's ancestors at each depth, itself included),
    # unpivoted after the per-organiser pre-aggregation.
    "ancestor_columns": """
        WITH o AS (SELECT organiser, SUM(minutes) AS s FROM entries GROUP BY organiser),
             j AS (SELECT p.*, o.s FROM o JOIN paths AS p ON p.node = o.organiser)
        SELECT ancestor, SUM(s) AS total FROM (
            SELECT a1 AS ancestor, s FROM j UNION ALL
            SELECT a2, s FROM j WHERE a2 IS NOT NULL UNION ALL
            SELECT a3, s FROM j WHERE a3 IS NOT NULL UNION ALL
            SELECT a4, s FROM j WHERE a4 IS NOT NULL UNION ALL
            SELECT a5, s FROM j WHERE a5 IS NOT NULL UNION ALL
            SELECT a6, s FROM j WHERE a6 IS NOT NULL
        ) GROUP BY ancestor
    """,
}


def main(directory: str, runs: int = 10) -> None:
    db = duckdb.connect()
    db.execute(
        f"CREATE TABLE entries AS SELECT organiser::INTEGER AS organiser, "
        f"minutes::BIGINT AS minutes FROM read_csv('{directory}/entries.csv', header = true)"
    )
    db.execute(
        f"CREATE TABLE tree AS SELECT node::INTEGER AS node, parent::INTEGER AS parent "
        f"FROM read_csv('{directory}/tree.csv', header = true)"
    )
    db.execute(
        """
        CREATE TABLE closure AS
        WITH RECURSIVE up(ancestor, descendant) AS (
            SELECT node, node FROM tree
            UNION ALL
            SELECT t.parent, up.descendant FROM up JOIN tree AS t ON t.node = up.ancestor
            WHERE t.parent IS NOT NULL
        ) SELECT * FROM up
        """
    )
    # Ancestors by depth: depth 1 is the root.
    db.execute(
        """
        CREATE TABLE paths AS
        WITH d AS (
            SELECT c.descendant AS node, c.ancestor,
                   COUNT(*) OVER (PARTITION BY c.descendant) AS depth_of_node,
                   ROW_NUMBER() OVER (PARTITION BY c.descendant ORDER BY a.n DESC) AS depth
            FROM closure AS c
            JOIN (SELECT descendant AS node, COUNT(*) AS n FROM closure GROUP BY descendant) AS a
              ON a.node = c.ancestor
        )
        SELECT node,
               MAX(ancestor) FILTER (WHERE depth = depth_of_node) AS a1,
               MAX(ancestor) FILTER (WHERE depth = depth_of_node - 1) AS a2,
               MAX(ancestor) FILTER (WHERE depth = depth_of_node - 2) AS a3,
               MAX(ancestor) FILTER (WHERE depth = depth_of_node - 3) AS a4,
               MAX(ancestor) FILTER (WHERE depth = depth_of_node - 4) AS a5,
               MAX(ancestor) FILTER (WHERE depth = depth_of_node - 5) AS a6
        FROM d GROUP BY node
        """
    )
    n = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    threads = db.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"duckdb {duckdb.__version__}, {n} entries, threads={threads}")
    for name, query in QUERIES.items():
        rows = dict(db.execute(query).fetchall())
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            db.execute(query).fetchall()
            times.append(time.perf_counter() - t)
        times.sort()
        print(
            f"{name}: root total {rows.get(0)} min over {len(rows)} subtrees; "
            f"best {times[0] * 1e3:.1f} ms, median {times[len(times) // 2] * 1e3:.1f} ms "
            f"({runs} runs)"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/rollup-csv")
