"""Facet and filter speed at scale: ~1 million paragraphs through the real plugins.

    python benchmarks/facets.py                       # build benchmarks/facets.db once, then run
    python benchmarks/facets.py --db /tmp/big.db      # use (or build) another file
    python benchmarks/facets.py --rebuild --paragraphs 200000

The database gets the real schema (schema.sql) and synthetic rows written straight
with SQL (not through the parser): articles of 100 paragraphs whose words are as
common as in the seeds ("treaty" in about 6% of them), 0-4 countries per
paragraph (Mongolia in most, a skewed choice of others), about 0.6 dated events
per paragraph with their countries, and some visits and amounts. Then each request
below goes through `Datasette(...).client` with the real metadata.yml and plugins/,
and its time is reported against facet_time_limit_ms (200 ms by default): a facet
over the limit is listed in the response's facets_timed_out and left out of the
page. Finally the SQL each facet and filter runs is shown with EXPLAIN QUERY PLAN.

Not run by the tests (make test); it takes a minute or two to build the database.
"""

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from pathlib import Path

import pycountry
import yaml
from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted
from datasette.utils import escape_fts

from ingest.document import Paragraph
from ingest.parse_text import parse_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "benchmarks" / "facets.db"
BATCH = 50_000

# Words of the synthetic text. Each goes into a paragraph with the probability that a
# seed paragraph contains it (measured by seed_word_frequencies), so that a search
# matches as many paragraphs as it would in real articles: "treaty" about 6%, not half.
WORDS = [
    "treaty",
    "trade",
    "coal",
    "copper",
    "mining",
    "railway",
    "embassy",
    "ambassador",
    "visit",
    "summit",
    "agreement",
    "border",
    "cooperation",
    "investment",
    "aid",
    "loan",
    "education",
    "culture",
    "military",
    "exercise",
    "diplomatic",
    "relations",
    "friendship",
    "parliament",
    "minister",
    "president",
    "delegation",
    "third",
    "neighbor",
    "policy",
    "energy",
    "transit",
    "livestock",
    "herders",
    "democracy",
    "election",
]
FILLER = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "a",
    "with",
    "for",
    "on",
    "by",
    "was",
    "were",
    "its",
    "from",
    "as",
]
RAREST = 0.005  # for words the seeds never use

# Partners and their weights: the seeds' usual suspects first, then everyone else.
FAVOURITES = ["CHN", "RUS", "USA", "KAZ", "JPN", "KOR", "SUN", "DEU", "GBR", "FRA", "IND", "TUR"]


def pick_year(rng):
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(1990, 2023)
    if roll < 0.9:
        return rng.randint(1911, 1989)
    return rng.randint(1200, 1910)


def seed_word_frequencies():
    """{word: share of the seeds' paragraphs that contain it}, by the real parser."""
    paragraphs = [
        block.text.lower()
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for _, block in parse_text(path.read_text(encoding="utf-8"), path.name).all_blocks()
        if isinstance(block, Paragraph)
    ]
    return {
        word: max(RAREST, sum(word in p for p in paragraphs) / len(paragraphs)) for word in WORDS
    }


def batched(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build(path, paragraphs, seed=1):
    """Write a synthetic relations database of `paragraphs` paragraphs to path."""
    rng = random.Random(seed)
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
    conn.executescript((ROOT / "schema.sql").read_text(encoding="utf-8"))
    conn.execute("PRAGMA foreign_keys = OFF")

    codes = sorted(c.alpha_3 for c in pycountry.countries) + ["SUN", "XKX"]
    names = {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update({"SUN": "Soviet Union", "XKX": "Kosovo"})
    conn.executemany(
        "insert into countries (code, name, dissolved) values (?, ?, ?)",
        [(code, names[code], int(code == "SUN")) for code in codes],
    )
    others = [c for c in codes if c not in FAVOURITES and c != "MNG"]
    partners = FAVOURITES + others
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(partners))]

    articles = paragraphs // 100 or 1
    conn.executemany(
        "insert into articles (id, slug, title, kind, source, content_hash, partner_country,"
        " established, established_year) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                f"article-{i}",
                f"Article {i}",
                "bilateral" if i % 3 else "essay",
                f"seeds/{i:06}.txt",
                f"{i:064x}",
                partners[i % len(partners)] if i % 3 else None,
                f"{1950 + i % 70}-01-01" if i % 3 else None,
                1950 + i % 70 if i % 3 else None,
            )
            for i in range(1, articles + 1)
        ],
    )

    frequencies = seed_word_frequencies()

    def paragraph_rows():
        for i in range(1, paragraphs + 1):
            words = [word for word, share in frequencies.items() if rng.random() < share]
            words += rng.choices(FILLER, k=max(0, rng.randint(12, 40) - len(words)))
            rng.shuffle(words)
            text = " ".join(words)
            yield i, (i - 1) // 100 + 1, (i - 1) % 100 + 1, text

    for batch in batched(paragraph_rows()):
        conn.executemany(
            "insert into paragraphs (id, article_id, position, text) values (?, ?, ?, ?)", batch
        )

    def mention_rows():
        for i in range(1, paragraphs + 1):
            chosen = set(rng.choices(partners, weights, k=rng.randint(0, 3)))
            if rng.random() < 0.8:
                chosen.add("MNG")
            for code in chosen:
                yield i, code, rng.randint(1, 3)

    for batch in batched(mention_rows()):
        conn.executemany("insert into paragraph_countries values (?, ?, ?)", batch)

    event_id = 0
    event_rows, event_country_rows = [], []
    for i in range(1, paragraphs + 1):
        if rng.random() >= 0.6:
            continue
        event_id += 1
        year = pick_year(rng)
        event_rows.append(
            (event_id, (i - 1) // 100 + 1, i, "A sentence.", str(year), year, "year", str(year),
             rng.choice(["treaty", "visit", "trade", "aid", "other"]))
        )  # fmt: skip
        for code in {"MNG", *rng.choices(partners, weights, k=rng.randint(1, 2))}:
            event_country_rows.append((event_id, code, 0))
        if len(event_rows) >= BATCH:
            conn.executemany(
                "insert into events (id, article_id, paragraph_id, text, date, year, precision,"
                " date_text, event_type) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                event_rows,
            )
            conn.executemany("insert into event_countries values (?, ?, ?)", event_country_rows)
            event_rows, event_country_rows = [], []
    conn.executemany(
        "insert into events (id, article_id, paragraph_id, text, date, year, precision,"
        " date_text, event_type) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        event_rows,
    )
    conn.executemany("insert into event_countries values (?, ?, ?)", event_country_rows)

    visits = paragraphs // 50
    conn.executemany(
        "insert into visits (id, article_id, paragraph_id, person, year, visitor_country,"
        " host_country) values (?, ?, ?, ?, ?, ?, ?)",
        [
            (i, (p - 1) // 100 + 1, p, f"Person {i}", pick_year(rng), *pair)
            for i in range(1, visits + 1)
            for p in [rng.randint(1, paragraphs)]
            for partner in rng.choices(partners, weights)
            for pair in [("MNG", partner) if i % 2 else (partner, "MNG")]
        ],
    )
    amounts = paragraphs // 30
    conn.executemany(
        "insert into amounts (id, article_id, paragraph_id, value, currency, value_usd, year,"
        " text) values (?, ?, ?, ?, 'USD', ?, ?, ?)",
        [
            (i, (p - 1) // 100 + 1, p, value, value, pick_year(rng), f"${value:,.0f}")
            for i in range(1, amounts + 1)
            for p in [rng.randint(1, paragraphs)]
            for value in [rng.randint(1, 5000) * 100_000.0]
        ],
    )
    conn.commit()
    conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


# (label, path): what a researcher clicks; the facet ones are the expensive part.
REQUESTS = [
    ("paragraphs: facet country", "/relations/paragraphs.json?_facet_country=1"),
    ("paragraphs: facet year", "/relations/paragraphs.json?_facet_year=1"),
    ("paragraphs: facet decade", "/relations/paragraphs.json?_facet_decade=1"),
    ("paragraphs: _country=KAZ + facet country", "/relations/paragraphs.json?_country=KAZ&_facet_country=1"),
    ("paragraphs: _country=KAZ&_country=CHN + facet year", "/relations/paragraphs.json?_country=KAZ&_country=CHN&_facet_year=1"),
    ("paragraphs: _search=treaty + facet country, decade", "/relations/paragraphs.json?_search=treaty&_facet_country=1&_facet_decade=1"),
    ("paragraphs: _year_from=1900&_year_to=1950 + facet country", "/relations/paragraphs.json?_year_from=1900&_year_to=1950&_facet_country=1"),
    ("events: default facets (country, decade)", "/relations/events.json"),
    ("events: _country=KAZ&_decade=1990 + facet year", "/relations/events.json?_country=KAZ&_decade=1990&_facet_year=1"),
    ("events: _year=1992 + facet country", "/relations/events.json?_year=1992&_facet_country=1"),
    ("visits: facet country, decade", "/relations/visits.json?_facet_country=1&_facet_decade=1"),
    ("amounts: facet country, year", "/relations/amounts.json?_facet_country=1&_facet_year=1"),
    ("articles: facet country, decade", "/relations/articles.json?_facet_country=1&_facet_decade=1"),
    ("page: /-/countries", "/-/countries"),
    ("page: /-/country/KAZ", "/-/country/KAZ"),
    ("page: /-/country/MNG (the home country, in most rows)", "/-/country/MNG"),
]  # fmt: skip


def datasette_for(path):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    ds = Datasette(
        [],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"suggest_facets": False},
    )
    # Served under the real database's name, so that metadata.yml applies to it.
    ds.add_database(Database(ds, path=str(path), is_mutable=False), name="relations")
    return ds


async def run(path, repeat):
    ds = datasette_for(path)
    limit = ds.setting("facet_time_limit_ms")
    log = []  # (sql, params, ms, is a facet query, timed out) of the current request
    database = ds.get_database("relations")
    execute = database.execute

    async def logged_execute(sql, params=None, **kwargs):
        facet = kwargs.get("custom_time_limit") == limit
        started = time.perf_counter()
        try:
            result = await execute(sql, params, **kwargs)
        except QueryInterrupted:
            log.append((sql, params, (time.perf_counter() - started) * 1000, facet, True))
            raise
        log.append((sql, params, (time.perf_counter() - started) * 1000, facet, False))
        return result

    database.execute = logged_execute
    await ds.client.get("/relations/paragraphs.json?_size=1")  # warm up: schema, page cache

    print(f"\nfacet_time_limit_ms = {limit}; each request run {repeat} times, median shown\n")
    print(f"{'request':<58} {'total ms':>9} {'slowest facet ms':>17}  timed out")
    plans = {}
    for label, url in REQUESTS:
        totals, slowest = [], []
        for _ in range(repeat):
            log.clear()
            started = time.perf_counter()
            size = "" if url.startswith("/-/") else ("&" if "?" in url else "?") + "_size=10"
            response = await ds.client.get(url + size)
            totals.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.text[:500])
            slowest.append(max((ms for _, _, ms, facet, _ in log if facet), default=0.0))
        timed_out = sum(1 for *_, facet, out in log if facet and out)
        print(
            f"{label:<58} {statistics.median(totals):>9.1f} {statistics.median(slowest):>17.1f}"
            f"  {timed_out or '-'}"
        )
        plans[label] = [(sql, params) for sql, params, _, facet, _ in log if facet or params]

    print("\nEXPLAIN QUERY PLAN of the facet and filter SQL\n")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.create_function("escape_fts", 1, escape_fts)
    for label, queries in plans.items():
        print(f"== {label}")
        for sql, params in {sql: params for sql, params in queries}.items():
            print("   " + " ".join(sql.split()))
            for row in conn.execute(f"explain query plan {sql}", params or {}):
                print(f"     {row[3]}")
        print()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="database file to use")
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="build even if the file exists")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.rebuild or not args.db.exists():
        started = time.perf_counter()
        print(f"building {args.db} with {args.paragraphs:,} paragraphs ...", flush=True)
        build(args.db, args.paragraphs)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    conn = sqlite3.connect(args.db)
    for table in ["paragraphs", "paragraph_countries", "events", "event_countries", "visits", "amounts"]:  # fmt: skip
        print(f"{table}: {conn.execute(f'select count(*) from {table}').fetchone()[0]:,} rows")
    conn.close()
    asyncio.run(run(args.db, args.repeat))


if __name__ == "__main__":
    main()
