"""Two query changes, measured on a built database: the canned search, a covering index.

    python benchmarks/prototypes/queries.py benchmarks/work/10000/relations.db

1. The canned query `search` of metadata.yml ranks every match with bm25(),
   makes a snippet for every match, and only then keeps the best 100. The
   rewrite below takes the best 100 rowids first (FTS5's own `ORDER BY rank`)
   and makes snippets for those alone. Both are timed, and their results
   compared (the same rows, the same ranks).
2. The year facet over a search (`_search=...&_facet_year=1` on paragraphs)
   looks up events by paragraph_id. It is timed as built, then again on a copy
   of the database with a covering index events(paragraph_id, year) added,
   together with the country facet, which reads paragraph_countries, for
   comparison. The SQL is what the facet plugins ran (seen with ?_trace=1).

Times are the best of 5 runs, on one connection, with no server in between.
"""

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import yaml
from datasette.utils import escape_fts

ROOT = Path(__file__).resolve().parents[2]
WORDS = ("treaty", "trade", "independence", "coal")

TOP_FIRST = """
with hits as (
  select rowid, rank from paragraphs_fts where paragraphs_fts match :q order by rank limit 100
)
select
  paragraphs.id as paragraph_id,
  articles.title as article,
  sections.heading as section,
  (select snippet(paragraphs_fts, 0, '<mark>', '</mark>', '…', 24) from paragraphs_fts
     where paragraphs_fts match :q and rowid = hits.rowid) as snippet,
  round(hits.rank, 3) as rank
from hits
  join paragraphs on paragraphs.id = hits.rowid
  join articles on articles.id = paragraphs.article_id
  left join sections on sections.id = paragraphs.section_id
order by hits.rank
"""

SEARCHED = (
    "select id from (select id, article_id, section_id, position, text from paragraphs"
    " where id in (select rowid from paragraphs_fts"
    " where paragraphs_fts match escape_fts(:search)))"
)
YEAR_FACET = (
    "select value, count from (select events.year as value,"
    " count(distinct events.paragraph_id) as count from events"
    f" where events.year is not null and events.paragraph_id in ({SEARCHED})"
    " group by events.year) order by count desc, value limit 31"
)
COUNTRY_FACET = (
    "select value, count from (select paragraph_countries.country_code as value,"
    " count(*) as count from paragraph_countries"
    " where paragraph_countries.country_code is not null"
    f" and paragraph_countries.paragraph_id in ({SEARCHED})"
    " group by paragraph_countries.country_code) order by count desc, value limit 31"
)


def best_ms(conn, sql, params, runs=5):
    best, rows = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000), rows


def canned(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    sql = meta["databases"]["relations"]["queries"]["search"]["sql"]
    print("canned query `search`: as in metadata.yml against best 100 first")
    for word in WORDS:
        matches = conn.execute(
            "select count(*) from paragraphs_fts where paragraphs_fts match ?", [word]
        ).fetchone()[0]
        now_ms, now = best_ms(conn, sql, {"q": word})
        new_ms, new = best_ms(conn, TOP_FIRST, {"q": word})
        same = set(now) == set(new) and [r[-1] for r in now] == [r[-1] for r in new]
        print(f"  {word:13} {matches:7} matches: {now_ms:5} ms -> {new_ms:5} ms, same rows: {same}")
    conn.close()


def facets(path):
    work = ROOT / "benchmarks" / "work"  # git-ignored
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(path, copy)
        conn = sqlite3.connect(copy)
        conn.create_function("escape_fts", 1, escape_fts)
        print("facets over a search: as built, then with events(paragraph_id, year)")
        for label in ("as built", "+ index"):
            if label == "+ index":
                conn.execute("create index events_paragraph_id_year on events(paragraph_id, year)")
                conn.execute("analyze")
            for word in WORDS[:2]:
                year_ms, _ = best_ms(conn, YEAR_FACET, {"search": word})
                country_ms, _ = best_ms(conn, COUNTRY_FACET, {"search": word})
                plan = [
                    row[3]
                    for row in conn.execute("explain query plan " + YEAR_FACET, {"search": word})
                    if "events" in row[3]
                ]
                print(
                    f"  {label:9} {word:7} year facet {year_ms:4} ms, country facet "
                    f"{country_ms:4} ms; year plan: {'; '.join(plan)}"
                )
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a relations.db built by python -m ingest")
    args = parser.parse_args()
    canned(args.db)
    facets(args.db)


if __name__ == "__main__":
    main()
