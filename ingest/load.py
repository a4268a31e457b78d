"""Write Documents into SQLite with sqlite-utils: the build, atomic and repeatable.

The database is built in a temporary file beside the target and renamed over it
only when every document went in, so a failed build leaves the old file exactly
as it was. Ids are assigned here, in input order, so the same input gives the
same database.
"""

import hashlib
import json
import os
import re
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .document import IngestError, ListBlock, Paragraph, Table
from .parse_html import parse_html
from .parse_text import parse_text
from .sources import discover, read_text

SCHEMA = Path(__file__).resolve().parent.parent / "schema.sql"
PARSERS = {"text": parse_text, "html": parse_html}
BILATERAL_TITLE = re.compile(r"^(?P<a>.+?)\s*[–—-]\s*(?P<b>.+?)\s+relations$", re.IGNORECASE)
KINDS = ("bilateral", "overview", "essay")


@dataclass
class Stats:
    articles: int = 0
    sections: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    skipped: list = field(default_factory=list)

    def summary(self, db_path):
        return (
            f"{db_path}: {self.articles} articles, {self.sections} sections, "
            f"{self.paragraphs} paragraphs in {self.seconds:.2f}s"
        )


def slugify(title):
    """'China–Mongolia relations' -> 'china-mongolia-relations'."""
    words = re.sub(r"[\W_]+", " ", re.sub(r"['’]", "", title.lower()))
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return "-".join(ascii_words.split()) or "article"


def bilateral_partner(title):
    """The other party of an 'X–Mongolia relations' title (either order), else None."""
    match = BILATERAL_TITLE.match(title or "")
    if not match:
        return None
    a, b = match.group("a").strip(), match.group("b").strip()
    if b.lower() == "mongolia":
        return a
    if a.lower() == "mongolia":
        return b
    return None


def article_kind(doc, meta):
    kind = meta.get("kind")
    if kind:
        if kind not in KINDS:
            raise IngestError(doc.source, f"sources.yml kind {kind!r} is not one of {KINDS}")
        return kind
    if bilateral_partner(doc.title):
        return "bilateral"
    return "essay" if doc.bare_headings else "overview"


def apply_schema(db):
    db.conn.executescript(SCHEMA.read_text(encoding="utf-8"))


@contextmanager
def atomic_database(target):
    """A fresh database in a temp file beside target, renamed over it on success."""
    target = Path(target)
    directory = target.resolve().parent
    if not directory.is_dir():
        raise IngestError(target, f"folder {directory} does not exist")
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    db = sqlite_utils.Database(temp_name)
    try:
        yield db
        db.close()
        os.replace(temp_name, target)
    except BaseException:
        db.close()
        os.unlink(temp_name)
        raise


class Writer:
    """Turns Documents into rows; holds the id counters so ids follow input order."""

    def __init__(self, db):
        self.db = db
        self.next_id = {}
        self.slugs = set()

    def new_id(self, table):
        self.next_id[table] = self.next_id.get(table, 0) + 1
        return self.next_id[table]

    def unique_slug(self, title):
        base = slug = slugify(title)
        suffix = 2
        while slug in self.slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        self.slugs.add(slug)
        return slug

    def write(self, doc, meta, text):
        """Insert one document; returns (sections, paragraphs) counts."""
        title = doc.title or meta.get("title") or Path(doc.source).stem.replace("_", " ")
        article_id = self.new_id("articles")
        article = {
            "id": article_id,
            "slug": self.unique_slug(title),
            "title": title,
            "kind": article_kind(doc, meta),
            "source": doc.source,
            "source_url": meta.get("url"),
            "license": meta.get("license"),
            "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "partner_country": None,
            "established": None,
            "established_year": None,
        }
        sections, rows = [], {"paragraphs": [], "list_items": [], "tables": [], "table_rows": []}
        section_ids, open_parents = [], {}  # open_parents: level -> id of latest section
        for position, section in enumerate(doc.sections, start=1):
            section_id = self.new_id("sections")
            parent = max((lvl for lvl in open_parents if lvl < section.level), default=None)
            sections.append(
                {
                    "id": section_id,
                    "article_id": article_id,
                    "parent_id": open_parents.get(parent),
                    "level": section.level,
                    "position": position,
                    "heading": section.heading,
                }
            )
            open_parents = {lvl: i for lvl, i in open_parents.items() if lvl < section.level}
            open_parents[section.level] = section_id
            section_ids.append(section_id)

        for position, (section_index, block) in enumerate(doc.all_blocks(), start=1):
            located = {
                "article_id": article_id,
                "section_id": None if section_index is None else section_ids[section_index],
                "position": position,
            }
            if isinstance(block, Paragraph):
                rows["paragraphs"].append(
                    {"id": self.new_id("paragraphs"), **located, "text": block.text}
                )
            elif isinstance(block, ListBlock):
                for item in block.items:
                    rows["list_items"].append(
                        {"id": self.new_id("list_items"), **located, "text": item}
                    )
            elif isinstance(block, Table):
                table_id = self.new_id("tables")
                rows["tables"].append(
                    {
                        "id": table_id,
                        **located,
                        "columns": json.dumps(block.header, ensure_ascii=False),
                    }
                )
                for row_position, record in enumerate(block.records(), start=1):
                    rows["table_rows"].append(
                        {
                            "id": self.new_id("table_rows"),
                            "table_id": table_id,
                            "position": row_position,
                            "data": json.dumps(record, ensure_ascii=False),
                        }
                    )
        infobox = [
            {
                "id": self.new_id("infobox"),
                "article_id": article_id,
                "position": i,
                "key": k,
                "value": v,
            }
            for i, (k, v) in enumerate(doc.infobox, start=1)
        ]
        with self.db.conn:
            self.db["articles"].insert(article)
            self.db["sections"].insert_all(sections)
            for table, table_rows in rows.items():
                self.db[table].insert_all(table_rows)
            self.db["infobox"].insert_all(infobox)
        return len(sections), len(rows["paragraphs"])


def read_document(source_file):
    text = read_text(source_file.path)
    return PARSERS[source_file.format](text, source_file.name), text


def build(db_path, sources, progress=lambda files: files):
    """Build db_path from the given files and folders; returns Stats.

    progress wraps the iterable of files (the CLI passes a progress bar).
    """
    started = time.perf_counter()
    stats = Stats()
    files = discover(sources)
    with atomic_database(db_path) as db:
        apply_schema(db)
        writer = Writer(db)
        for source_file in progress(files):
            doc, text = read_document(source_file)
            sections, paragraphs = writer.write(doc, source_file.meta, text)
            stats.articles += 1
            stats.sections += sections
            stats.paragraphs += paragraphs
        with db.conn:
            db.conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')")
            db.conn.execute("ANALYZE")
    stats.seconds = time.perf_counter() - started
    return stats
