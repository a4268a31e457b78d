"""The naive baseline the ingest is compared with: what a user would otherwise do.

    python benchmarks/baseline.py --db /tmp/naive.db benchmarks/corpus/1000

Read every .txt file, split it on lines, keep the lines that look like prose (not
blank, not a heading, infobox, list item or table row), insert them into one table
with sqlite-utils and enable full-text search with the porter tokenizer and
triggers. No parsing into sections, no countries, dates, events or visits.
"""

import argparse
import time
from pathlib import Path

import sqlite_utils

NOT_PROSE = ("=", "|", "-", "*")


def paragraphs(folders):
    for folder in folders:
        folder = Path(folder)
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else [folder]
        for path in files:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                line = line.strip()
                if line and not line.startswith(NOT_PROSE) and line != "Infobox":
                    yield {"source": path.name, "line": number, "text": line}


def build(db_path, folders):
    db = sqlite_utils.Database(db_path, recreate=True)
    db["paragraphs"].insert_all(paragraphs(folders))
    db["paragraphs"].enable_fts(["text"], tokenize="porter", create_triggers=True)
    count = db["paragraphs"].count
    db.close()
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args()
    started = time.perf_counter()
    count = build(args.db, args.sources)
    print(f"{args.db}: {count} paragraphs in {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    main()
