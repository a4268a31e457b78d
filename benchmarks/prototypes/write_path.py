"""The write path alone: pragmas, transactions, batch sizes, FTS and VACUUM, measured.

    python benchmarks/prototypes/write_path.py benchmarks/work/1000/relations.db

Reads the paragraphs of a database that `python -m ingest` built and writes them
again into fresh databases that have the project's schema.sql, in each of the
ways below. Only the writing is timed: no parsing and no extraction. The rows go in
one article at a time, as the build writes them. The output is wall time and this
process's CPU time for each way. Other work on the machine changes wall time more
than CPU time.

1. pragmas x transactions: the default journal (DELETE, synchronous FULL) against
   journal_mode=OFF + synchronous=OFF; one commit per article, per 100 articles, or
   one for the whole build.
2. sqlite-utils insert_all (batch_size 100, its default, and 1000) against a plain
   executemany.
3. FTS: the paragraphs_ai trigger indexing row by row, against dropping it and
   running one 'rebuild' at the end.
4. The finish, on a copy of the source database: FTS 'optimize', ANALYZE and
   VACUUM (time, and the file size before and after).
"""

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from itertools import groupby
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = (ROOT / "schema.sql").read_text(encoding="utf-8")
COLUMNS = ("id", "article_id", "section_id", "position", "text")


def articles(source):
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    rows = conn.execute(f"select {', '.join(COLUMNS)} from paragraphs order by id").fetchall()
    arts = conn.execute("select * from articles order by id").fetchall()
    sections = conn.execute("select * from sections order by id").fetchall()
    conn.close()
    by_article = {k: list(g) for k, g in groupby(rows, key=lambda r: r[1])}
    return arts, sections, [by_article.get(a[0], []) for a in arts]


def fresh(path, fast):
    db = sqlite_utils.Database(path, recreate=True)
    db.conn.executescript(SCHEMA)
    if fast:
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
    db.conn.execute("PRAGMA foreign_keys = OFF")  # articles/sections copied in bulk first
    return db


def write(path, data, fast=True, every=1, how="insert_all", batch=100, rebuild=False):
    """Write the paragraphs article by article; (wall s, CPU s) of the writing."""
    arts, sections, groups = data
    db = fresh(path, fast)
    with db.conn:
        db.conn.executemany(f"insert into articles values ({', '.join('?' * len(arts[0]))})", arts)
        db.conn.executemany(
            f"insert into sections values ({', '.join('?' * len(sections[0]))})", sections
        )
    if rebuild:
        db.conn.execute("DROP TRIGGER paragraphs_ai")
    insert = f"insert into paragraphs ({', '.join(COLUMNS)}) values (?, ?, ?, ?, ?)"
    wall, cpu = time.perf_counter(), time.process_time()
    if every == 0:
        db.conn.execute("BEGIN")
    for number, rows in enumerate(groups, start=1):
        if every and db.conn.in_transaction is False:
            db.conn.execute("BEGIN")
        if how == "insert_all":
            db["paragraphs"].insert_all((dict(zip(COLUMNS, row)) for row in rows), batch_size=batch)
        else:
            db.conn.executemany(insert, rows)
        if every and number % every == 0:
            db.conn.commit()
    if db.conn.in_transaction:
        db.conn.commit()
    if rebuild:
        with db.conn:
            db.conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild')")
    result = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    return result


def finish(path):
    """(optimize s, ANALYZE s, VACUUM s, MB before, MB after) on a built file."""
    conn = sqlite3.connect(path, isolation_level=None)
    out = []
    for sql in (
        "INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')",
        "ANALYZE",
    ):
        started = time.perf_counter()
        conn.execute(sql)
        out.append(time.perf_counter() - started)
    before = os.path.getsize(path)
    started = time.perf_counter()
    conn.execute("VACUUM")
    out.append(time.perf_counter() - started)
    conn.close()
    return (*out, before / 1e6, os.path.getsize(path) / 1e6)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a relations.db built by python -m ingest")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--slow", action="store_true", help="also the default journal")
    args = parser.parse_args()
    data = articles(args.source)
    paragraphs = sum(len(g) for g in data[2])
    print(f"{len(data[0])} articles, {paragraphs} paragraphs from {args.source}")
    ways = []
    if args.slow:
        ways += [
            ("default journal, commit per article", {"fast": False, "every": 1}),
            ("default journal, commit per 100 articles", {"fast": False, "every": 100}),
        ]
    ways += [
        ("journal OFF, commit per article", {"every": 1}),
        ("journal OFF, commit per 100 articles", {"every": 100}),
        ("journal OFF, one transaction", {"every": 0}),
        ("  + insert_all batch_size 1000", {"every": 0, "batch": 1000}),
        ("  + executemany", {"every": 0, "how": "executemany"}),
        (
            "  + executemany, FTS rebuild at the end",
            {"every": 0, "how": "executemany", "rebuild": True},
        ),
        ("journal OFF, per article, FTS rebuild", {"every": 1, "rebuild": True}),
    ]
    work = ROOT / "benchmarks" / "work"  # git-ignored
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as folder:
        path = str(Path(folder) / "write.db")
        for name, options in ways:
            best = min((write(path, data, **options) for _ in range(args.reps)), key=lambda x: x[1])
            print(
                f"{name:45} wall {best[0]:7.2f}s  cpu {best[1]:7.2f}s  "
                f"{paragraphs / best[0]:8.0f} paragraphs/s  load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        os.unlink(path)
        copy = str(Path(folder) / "copy.db")
        shutil.copyfile(args.source, copy)
        optimize, analyze, vacuum, before, after = finish(copy)
        print(
            f"finish on a copy of the source: optimize {optimize:.2f}s, ANALYZE {analyze:.2f}s, "
            f"VACUUM {vacuum:.2f}s; file {before:.1f} MB -> {after:.1f} MB after VACUUM"
        )


if __name__ == "__main__":
    main()
