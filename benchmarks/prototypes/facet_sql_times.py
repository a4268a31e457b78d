"""The facet statements' own times for a few filtered paragraph requests, from `_trace=1`.

    python benchmarks/prototypes/facet_sql_times.py                  # benchmarks/facets.db
    python benchmarks/prototypes/facet_sql_times.py --cache-size-kb 200000

Each URL goes 7 times through `Datasette(...).client` with the real metadata.yml and
plugins/ (facet suggestions off, as in benchmarks/facets.py); printed are the median
time of the whole request and the facet statements' durations in the last trace.
Build the database first with `python benchmarks/facets.py`.
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database

ROOT = Path(__file__).resolve().parents[2]
URLS = [
    "/relations/paragraphs.json?_country=KAZ&_facet_country=1",
    "/relations/paragraphs.json?_country=KAZ&_country=CHN&_facet_year=1",
    "/relations/paragraphs.json?_search=treaty&_facet_country=1&_facet_decade=1",
    "/relations/paragraphs.json?_year_from=1900&_year_to=1950&_facet_country=1",
]


async def measure(db_path, settings):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    ds = Datasette(
        [],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"suggest_facets": False, "trace_debug": True, **settings},
    )
    ds.add_database(Database(ds, path=str(db_path), is_mutable=False), name="relations")
    await ds.client.get("/relations/paragraphs.json?_size=1")  # warm up
    for url in URLS:
        times = []
        for _ in range(7):
            started = time.perf_counter()
            data = (await ds.client.get(url + "&_trace=1")).json()
            times.append((time.perf_counter() - started) * 1000)
        facets = [
            round(trace["duration_ms"])
            for trace in data["_trace"]["traces"]
            if trace["sql"].startswith("select value, count")
        ]
        print(
            f"{url[len('/relations/') :]:<75} request p50 {statistics.median(times):6.0f} ms;"
            f" facet statements {facets} ms; facets shown {list(data['facet_results'])}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "benchmarks" / "facets.db"))
    parser.add_argument("--cache-size-kb", type=int)
    args = parser.parse_args()
    settings = {"cache_size_kb": args.cache_size_kb} if args.cache_size_kb else {}
    asyncio.run(measure(args.db, settings))


if __name__ == "__main__":
    main()
