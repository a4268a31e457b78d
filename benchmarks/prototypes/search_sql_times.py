"""The canned search's SQL, as metadata.yml has it and as another metadata file has it,
timed on one database for a few searches (best of 3, `time.perf_counter`).

    git show 845bfe6:metadata.yml > /tmp/before.yml
    python benchmarks/prototypes/search_sql_times.py benchmarks/work/10000/relations.db \\
        /tmp/before.yml 'a*' 'mongol*' mongolia treaty 'third neighbor'

Both run with the plugins' fts_query; "same" says whether they return the same rows.
"""

import argparse
import sqlite3
import time
from pathlib import Path

import yaml
from datasette.utils import module_from_path

ROOT = Path(__file__).resolve().parents[2]
search_query = module_from_path(str(ROOT / "plugins" / "search_query.py"), "search_query")


def search_sql(metadata_path):
    metadata = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8"))
    return metadata["databases"]["relations"]["queries"]["search"]["sql"]


def best_of_3(conn, sql, q):
    times, rows = [], None
    for _ in range(3):
        started = time.perf_counter()
        rows = conn.execute(sql, {"q": q}).fetchall()
        times.append(time.perf_counter() - started)
    return min(times), rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("other_metadata", help="the metadata.yml to compare with")
    parser.add_argument("searches", nargs="+")
    args = parser.parse_args()
    conn = sqlite3.connect(args.db)
    conn.create_function("fts_query", 1, search_query.fts_query, deterministic=True)
    other, ours = search_sql(args.other_metadata), search_sql(ROOT / "metadata.yml")
    for q in args.searches:
        (other_s, other_rows), (our_s, our_rows) = (
            best_of_3(conn, other, q),
            best_of_3(conn, ours, q),
        )
        same = "same" if other_rows == our_rows else "DIFFERENT"
        print(
            f"{q!r:>20}  other {other_s:7.3f} s  ours {our_s:7.3f} s  {len(our_rows)} rows, {same}"
        )


if __name__ == "__main__":
    main()
