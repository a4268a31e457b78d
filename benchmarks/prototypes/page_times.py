"""Table pages timed through Datasette in this process, on a built database.

    python benchmarks/prototypes/page_times.py benchmarks/work/10000/relations.db \
        '/relations/events.json?_year_from=1990&_sort=year' '/relations/visits.json?_country=USA'

The database is opened immutable with metadata.yml and plugins/, as `make serve` does,
with facet suggestions off and the time limits at 60 s, so that a slow page is timed
rather than cut short. Each URL is requested 3 times; the best time is printed.
"""

import argparse
import asyncio
import time
from pathlib import Path

import yaml
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parents[2]
RUNS = 3


async def time_pages(db_path, urls):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    ds = Datasette(
        [],
        immutables=[db_path],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={
            "sql_time_limit_ms": 60000,
            "facet_time_limit_ms": 60000,
            "suggest_facets": False,
        },
    )
    await ds.invoke_startup()
    for url in urls:
        seconds = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = await ds.client.get(url)
            seconds.append(time.perf_counter() - started)
        print(f"{min(seconds) * 1000:7.0f} ms  {response.status_code}  {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a database named relations.db (metadata.yml's name)")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    asyncio.run(time_pages(args.db, args.urls))


if __name__ == "__main__":
    main()
