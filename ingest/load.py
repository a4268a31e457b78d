"""Write Documents into SQLite with sqlite-utils: the build, atomic and repeatable.

The database is built in a temporary file beside the target and renamed over it
only when every document went in, so a failed build leaves the old file exactly
as it was. Ids are assigned here, in input order, so the same input gives the
same database.
"""

import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import signal
import sqlite3
import tempfile
import time
import unicodedata
import urllib.parse
from collections import Counter, deque
from collections.abc import Iterable
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .countries import Gazetteer
from .document import Document, IngestError, ListBlock, Paragraph, Table
from .extract import MONGOLIA, document_facts, envoys_and_missions, established_date
from .parse_html import parse_html
from .parse_text import parse_text
from .sources import discover, read_text

SCHEMA = Path(__file__).resolve().parent.parent / "schema.sql"
PARSERS = {"text": parse_text, "html": parse_html}
BILATERAL_TITLE = re.compile(r"^(?P<a>.+?)\s*[–—-]\s*(?P<b>.+?)\s+relations$", re.IGNORECASE)
KINDS = ("bilateral", "overview", "essay")
# Children before parents, so foreign keys hold at every step.
DELETE_ARTICLE = [
    (
        "delete from event_countries where event_id in"
        " (select id from events where article_id = :article_id)"
    ),
    (
        "delete from paragraph_countries where paragraph_id in"
        " (select id from paragraphs where article_id = :article_id)"
    ),
    *(
        f"delete from {table} where article_id = :article_id"
        for table in ("events", "visits", "amounts", "envoys", "missions", "infobox", "list_items")
    ),
    "delete from table_rows where table_id in (select id from tables where article_id = :article_id)",
    *(
        f"delete from {table} where article_id = :article_id"
        for table in ("tables", "paragraphs", "sections")
    ),
    "delete from articles where id = :article_id",
]
FLUSH_EVERY = 2000  # paragraphs
# Rows per INSERT statement: sqlite-utils's default is 100, and it caps any value at its
# 999 variables per statement; fewer, longer statements cost less (docs/performance.md).
INSERT_BATCH = 1000
FTS_INSERT_TRIGGER = "paragraphs_ai"  # schema.sql's trigger that indexes new paragraphs
FTS_BUILD_HASHSIZE, FTS_DEFAULT_HASHSIZE = 256 * 2**20, 2**20  # bytes (see index_text)
APPEND_ANALYSIS_LIMIT = 1000  # rows ANALYZE reads per index after --append (sampled)
GC_THRESHOLD = 50_000  # new objects between collections during a build (default 700)
LARGE_FILE = 4 * 2**20  # bytes: prepared in the main process, facts streamed
FILES_PER_TASK = 4  # files a worker prepares at a time
PREPARED_AHEAD = 16  # tasks per worker, at most, done or under way before the writer needs them
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every SQLite database file
TABLE_NAMES = "select name from sqlite_master where type = 'table'"
# Tables written in batches across articles, parents before children.
BATCHED_TABLES = (
    "articles", "sections", "paragraphs", "list_items", "tables", "table_rows", "infobox",
    "envoys", "missions", "paragraph_countries", "events", "event_countries", "visits", "amounts",
)  # fmt: skip


class NothingToStore(IngestError):
    """Not one usable document: carries the errors of the files skipped, for the report."""

    def __init__(self, path, skipped):
        super().__init__(path, "no usable documents: the database was not changed")
        self.skipped = skipped


@dataclass
class Stats:
    counts: Counter = field(default_factory=Counter)  # rows written per table
    seconds: float = 0.0
    skipped: list = field(default_factory=list)  # IngestErrors of files left out (--skip-bad)
    duplicates: list = field(default_factory=list)  # (file, file or source already holding it)
    unchanged: int = 0  # --append: files whose source is stored with the same content
    replaced: int = 0  # --append: articles replaced by a new version of their source
    notes: list = field(default_factory=list)  # for the user: nothing wrong with the build
    appended: bool = False  # --append: the counts are of the rows added, not the database's

    def summary(self, db_path):
        written = ", ".join(
            plural(self.counts[table], table.removesuffix("s"))
            for table in ("articles", "sections", "paragraphs", "events", "visits")
        )
        line = f"{db_path}: {'added ' if self.appended else ''}{written} in {self.seconds:.2f}s"
        extras = [
            f"{n} {label}"
            for n, label in [
                (self.replaced, "replaced"),
                (self.unchanged, "unchanged"),
                (len(self.duplicates), "duplicates stored once"),
                (len(self.skipped), "bad files skipped"),
            ]
            if n
        ]
        return line + (f" ({', '.join(extras)})" if extras else "")


def content_hash(doc, meta):
    """Identifies the same content: what the document says, whatever the file's name,
    format, spacing or markup (one article saved from two Wikipedia skins, a seed file
    with other line endings), and what sources.yml says of it (title, kind, URL, licence,
    attribution)."""
    digest = hashlib.sha256()

    def add(*part):
        digest.update(json.dumps(part, ensure_ascii=False).encode("utf-8") + b"\n")

    add(doc.title, [meta.get(key) for key in ("title", "kind", "url", "license", "attribution")])
    add("infobox", doc.infobox)
    for section in (None, *doc.sections):
        if section is not None:
            add("section", section.level, section.heading)
        for block in doc.lead if section is None else section.blocks:
            if isinstance(block, Paragraph):
                add("paragraph", block.text)
            elif isinstance(block, ListBlock):
                add("list", block.items)
            else:
                add("table", block.header, block.rows)
    return digest.hexdigest()


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


def add_new_columns(db):
    """Give a database built by an earlier version the columns schema.sql has gained since
    (CREATE TABLE IF NOT EXISTS leaves an existing table as it is), empty, so that --append
    works on it; before the schema is applied, since an index may name a new column. New
    columns are nullable, as ALTER TABLE ADD COLUMN needs; FTS tables are left alone."""
    current = sqlite_utils.Database(memory=True)
    apply_schema(current)
    indexes = [t.name for t in current.tables if t.virtual_table_using]
    for table in current.tables:
        if table.name.startswith(tuple(indexes)) or not db[table.name].exists():
            continue
        existing = db[table.name].columns_dict
        for column in table.columns:
            if column.name not in existing:
                definition = f"[{column.name}] {column.type}".strip()
                db.execute(f"ALTER TABLE [{table.name}] ADD COLUMN {definition}")


def defer_indexing(db):
    """Fill a fresh database without secondary indexes, foreign-key checks or the FTS trigger.

    Building each index once at the end, and indexing the text with one FTS
    'rebuild', costs far less than keeping them up to date row by row
    (docs/performance.md); applying the schema again restores all of them.
    """
    indexes = db.execute("select name from sqlite_master where type = 'index' and sql is not null")
    for (name,) in indexes.fetchall():
        db.conn.execute(f"DROP INDEX [{name}]")
    db.conn.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
    db.conn.execute("PRAGMA foreign_keys = OFF")


def index_text(db):
    """Index every paragraph for full-text search in one pass.

    FTS5 writes a segment to disk whenever its in-memory index passes 'hashsize'
    (1 MB by default), and merges the segments later; with room for up to 256 MB of
    index it writes few segments, one up to 10k articles, and 'optimize' has little or
    nothing left to merge (10k articles: rebuild and optimize 7.7 -> 3.8 s, for about
    110 MB more peak memory). The default comes back for later appends.
    """
    fts_setting = "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('hashsize', :bytes)"
    db.conn.execute(fts_setting, {"bytes": FTS_BUILD_HASHSIZE})
    db.conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild')")
    db.conn.execute(fts_setting, {"bytes": FTS_DEFAULT_HASHSIZE})


def plural(count, noun):
    """'1 article', '2 articles'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def some_of(items, shown=3):
    """'a, b, c, ...': the first few of a list, for a message."""
    return ", ".join(items[:shown]) + (", ..." if len(items) > shown else "")


def read_only(path):
    """A read-only connection to the database file at path (a real path)."""
    # Quoted: in a URI, "#", "?" and "%" in the name would open another file.
    return closing(sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True))


def stored_sources(db_path):
    """[(source, content hash)] of the articles in the database at db_path, if any."""
    target = Path(os.path.realpath(db_path))
    if not target.is_file() or target.stat().st_size == 0:
        return []
    try:
        with read_only(target) as existing:
            return existing.execute("select source, content_hash from articles").fetchall()
    except sqlite3.DatabaseError:  # not a database of ours: atomic_database says why
        return []


def sources_left_out(db_path, previous, files, writer):
    """Notes on the articles of the database a full build replaces (previous: their
    [(source, content hash)]) that it did not read again (added by --append, say): the
    new database does not hold them. An article stored again under the same content is
    read again, whichever folder its path was written from."""
    read = {f.real_path for f in files}
    left_out = [
        source
        for source, digest in previous
        if digest not in writer.sources_by_hash and os.path.realpath(source) not in read
    ]
    if not left_out:
        return []
    note = (
        f"{db_path} held {plural(len(left_out), 'article')} from sources not read this time"
        f" ({some_of(left_out)}): the new database does not have"
        f" {'it' if len(left_out) == 1 else 'them'}"
        " (--append adds to a database instead of replacing it)"
    )
    return [note]


def sources_not_found(writer, db_path):
    """Notes for --append on stored sources that are not where their paths lead from this
    folder: a changed file given by another path would be stored as a new article."""
    missing = [
        writer.sources_by_hash[digest]
        for real_path, (_, digest) in writer.stored.items()
        if not os.path.exists(real_path)
    ]
    if not missing:
        return []
    note = (
        f"{plural(len(missing), 'article')} of {db_path} {'has' if len(missing) == 1 else 'have'} a"
        " source not found from this folder"
        f" ({some_of(missing)}): --append knows a source by its path from the folder the"
        " database was built from"
    )
    return [note]


def count_event_years(db, countries=None):
    """Fill event_country_years from the events dated to a year or closer (schema.sql
    says why it exists): for every country, or only for the given ones (those an
    --append changed)."""
    if countries is None:
        params, codes = {}, None
    else:
        params = {f"c{i}": code for i, code in enumerate(sorted(countries))}
        if not params:
            return
        codes = ", ".join(f":{name}" for name in params)
    only = "" if codes is None else f" WHERE country_code IN ({codes})"
    db.execute("DELETE FROM event_country_years" + only, params)
    db.execute(
        "INSERT INTO event_country_years (country_code, year, events)"
        " SELECT event_countries.country_code, events.year, count(*)"
        " FROM event_countries JOIN events ON events.id = event_countries.event_id"
        " WHERE events.precision IN ('day', 'month', 'year')"
        + ("" if codes is None else f" AND event_countries.country_code IN ({codes})")
        + " GROUP BY event_countries.country_code, events.year",
        params,
    )


def check_foreign_keys(db, db_path):
    """One pass over the finished build instead of a check per inserted row."""
    orphans = db.execute("PRAGMA foreign_key_check").fetchmany(3)
    if orphans:
        raise IngestError(db_path, f"internal error, rows without their parent: {orphans}")


@contextmanager
def atomic_database(target, copy_existing=False):
    """A database in a temp file beside target, renamed over it on success.

    copy_existing starts from a copy of target (for --append) instead of empty.
    A symbolic link is followed: the file it points to is replaced, the link kept.
    """
    named, target = target, Path(os.path.realpath(target))
    directory = target.parent
    if not directory.is_dir():
        raise IngestError(named, f"folder {directory} does not exist")
    check_replaceable(named, target)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    db = sqlite_utils.Database(temp_name)
    try:
        if copy_existing and target.exists():
            existing = sqlite3.connect(target)
            try:
                existing.backup(db.conn)
            finally:
                existing.close()
        # The temporary file is thrown away on failure, so it needs no journal and no
        # fsync; the rename at the end is what makes the build safe.
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA synchronous = OFF")
        yield db
        db.close()
        # The build ran with synchronous=OFF: flush the file before the rename makes it
        # the database, or a crash soon after could leave a torn file under the old name.
        descriptor = os.open(temp_name, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        # mkstemp made the file 0600: give it the old file's mode, or the usual one.
        os.chmod(temp_name, target.stat().st_mode if target.exists() else 0o666 & ~current_umask())
        os.replace(temp_name, target)
    except BaseException:
        db.close()
        os.unlink(temp_name)
        raise


def check_replaceable(named, target):
    """Refuse to build over a file that is not a database of ours: a mistyped --db must
    not destroy a source document or someone else's database."""
    if target.is_dir():
        raise IngestError(named, "is a folder, not a database file")
    if not target.exists() or target.stat().st_size == 0:
        return
    with open(target, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise IngestError(named, "exists and is not a SQLite database: not replaced")
    try:
        with read_only(target) as existing:
            tables = {name for (name,) in existing.execute(TABLE_NAMES)}
    except sqlite3.DatabaseError as error:
        raise IngestError(named, f"cannot read the existing database: {error}") from None
    if tables and "articles" not in tables:
        raise IngestError(named, "is a SQLite database without an articles table: not replaced")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Writer:
    """Turns Documents into rows; holds the id counters so ids follow input order."""

    def __init__(self, db):
        self.db = db
        self.pending = {table: [] for table in BATCHED_TABLES}
        self.counts = Counter()  # rows written per table
        self.recount = set()  # countries of the events deleted (see changed_countries)
        # Go on from what the database holds, so --append never reuses an id.
        self.next_id = {
            table: db.execute(f"select coalesce(max(id), 0) from [{table}]").fetchone()[0]
            for table in BATCHED_TABLES
            if "id" in db[table].columns_dict
        }
        self.last_stored_event = self.next_id["events"]
        self.slugs = {slug for (slug,) in db.execute("select slug from articles")}
        # A source is known by the file it names, however the path was written
        # ("seeds/a.txt" or "/home/me/seeds/a.txt"): real path -> (article id, hash).
        self.stored = {}
        self.sources_by_hash = {}  # content hash -> source as stored, for messages
        for article_id, source, digest in db.execute(
            "select id, source, content_hash from articles"
        ):
            self.remember(article_id, digest, source, os.path.realpath(source))

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

    def article_row(self, prepared):
        return {
            "id": self.new_id("articles"),
            "slug": self.unique_slug(prepared.article["title"]),
            **prepared.article,
            "source": prepared.doc.source,
            "source_url": prepared.meta.get("url"),
            "license": prepared.meta.get("license"),
            "attribution": prepared.meta.get("attribution"),
            "content_hash": prepared.digest,
            "established": None,
            "established_year": None,
        }

    def section_rows(self, doc, article_id):
        """Sections with parent ids: the parent is the latest section of a lower level."""
        rows, open_sections = [], {}  # level -> id of the latest section at that level
        for position, section in enumerate(doc.sections, start=1):
            parent_level = max((lvl for lvl in open_sections if lvl < section.level), default=None)
            row = {
                "id": self.new_id("sections"),
                "article_id": article_id,
                "parent_id": open_sections.get(parent_level),
                "level": section.level,
                "position": position,
                "heading": section.heading,
            }
            open_sections = {lvl: i for lvl, i in open_sections.items() if lvl < section.level}
            open_sections[section.level] = row["id"]
            rows.append(row)
        return rows

    def write(self, prepared, real_path):
        """Queue one prepared document (of the file at real_path) and its facts for the
        database.

        Rows are written every FLUSH_EVERY paragraphs, across documents: few
        large inserts instead of many small ones, and a very large document
        (whose facts come lazily) never holds all its rows at once.
        """
        doc = prepared.doc
        article = self.article_row(prepared)
        article_id = article["id"]
        self.remember(article_id, prepared.digest, article["source"], real_path)
        pending = self.pending
        pending["articles"].append(article)
        sections = self.section_rows(doc, article_id)
        pending["sections"].extend(sections)
        established = []  # establishment events: the article's date of relations
        prose_visits = []  # kept back until every visits table of the article is known
        table_visits = []  # this article's, whether flushed already or still pending

        blocks = enumerate(zip(doc.all_blocks(), prepared.facts), start=1)
        for position, ((section_index, block), facts) in blocks:
            located = {
                "article_id": article_id,
                "section_id": None if section_index is None else sections[section_index]["id"],
                "position": position,
            }
            if isinstance(block, Paragraph):
                paragraph_id = self.new_id("paragraphs")
                pending["paragraphs"].append({"id": paragraph_id, **located, "text": block.text})
                self.add_paragraph_facts(pending, article_id, paragraph_id, facts)
                established += [e for e in facts.events if e["event_type"] == "establishment"]
                prose_visits += [(paragraph_id, v) for v in facts.visits]
            elif isinstance(block, ListBlock):
                for number, item in enumerate(block.items, start=1):
                    pending["list_items"].append(
                        {"id": self.new_id("list_items"), **located, "item": number, "text": item}
                    )
            elif isinstance(block, Table):
                self.add_table(pending, located, block, facts.visits)
                table_visits += facts.visits
            if len(pending["paragraphs"]) >= FLUSH_EVERY:
                self.flush()

        self.add_prose_visits(pending, article_id, prose_visits, table_visits)
        pending["envoys"] += [
            {"id": self.new_id("envoys"), "article_id": article_id, **e} for e in prepared.envoys
        ]
        pending["missions"] += [
            {"id": self.new_id("missions"), "article_id": article_id, **m}
            for m in prepared.missions
        ]
        pending["infobox"] += [
            {
                "id": self.new_id("infobox"),
                "article_id": article_id,
                "position": i,
                "key": k,
                "value": v,
            }
            for i, (k, v) in enumerate(doc.infobox, start=1)
        ]
        if date := established_date(established):
            self.set_established(article, date)

    def set_established(self, article, date):
        """On the pending row, or on the stored one if a flush took the row already."""
        article.update(established=date, established_year=int(date[:4]))
        if not any(row is article for row in self.pending["articles"]):
            with self.db.conn:
                self.db.execute(
                    "update articles set established = :established,"
                    " established_year = :established_year where id = :id",
                    article,
                )

    def flush(self):
        """Write the pending rows, parents before children, and forget them."""
        with self.db.conn:
            for table, rows in self.pending.items():
                self.db.table(table).insert_all(rows, batch_size=INSERT_BATCH)
                self.counts[table] += len(rows)
                rows.clear()

    def remember(self, article_id, digest, source, real_path):
        self.stored[real_path] = (article_id, digest)
        self.sources_by_hash[digest] = source

    def delete_article(self, real_path):
        """Remove the stored article of a source (its real path) and every row that hangs
        from it."""
        article_id, digest = self.stored.pop(real_path)
        del self.sources_by_hash[digest]
        self.slugs.discard(
            self.db.execute("select slug from articles where id = ?", [article_id]).fetchone()[0]
        )
        self.recount.update(
            code
            for (code,) in self.db.execute(
                "select distinct country_code from event_countries where event_id in"
                " (select id from events where article_id = :article_id)",
                {"article_id": article_id},
            )
        )
        with self.db.conn:
            for sql in DELETE_ARTICLE:
                self.db.execute(sql, {"article_id": article_id})

    def changed_countries(self):
        """The countries whose events this build added or deleted."""
        added = self.db.execute(
            "select distinct country_code from event_countries where event_id > :last_stored",
            {"last_stored": self.last_stored_event},
        )
        return self.recount | {code for (code,) in added}

    def add_paragraph_facts(self, rows, article_id, paragraph_id, facts):
        rows["paragraph_countries"].extend(
            {"paragraph_id": paragraph_id, "country_code": code, "mentions": count}
            for code, count in sorted(facts.mentions.items())
        )
        for event in facts.events:
            event_id = self.new_id("events")
            event = dict(event)
            countries = event.pop("countries")
            rows["events"].append(
                {"id": event_id, "article_id": article_id, "paragraph_id": paragraph_id, **event}
            )
            rows["event_countries"].extend(
                {"event_id": event_id, "country_code": code, "implied": implied}
                for code, implied in countries
            )
        rows["amounts"].extend(
            {
                "id": self.new_id("amounts"),
                "article_id": article_id,
                "paragraph_id": paragraph_id,
                **a,
            }
            for a in facts.amounts
        )

    def add_table(self, rows, located, table, visits):
        table_id = self.new_id("tables")
        columns = json.dumps(table.header, ensure_ascii=False)
        rows["tables"].append({"id": table_id, **located, "columns": columns})
        row_ids = []
        for row_position, record in enumerate(table.records(), start=1):
            row_ids.append(self.new_id("table_rows"))
            rows["table_rows"].append(
                {
                    "id": row_ids[-1],
                    "table_id": table_id,
                    "position": row_position,
                    "data": json.dumps(record, ensure_ascii=False),
                }
            )
        for row_id, visit in zip(row_ids, visits):
            rows["visits"].append(
                {
                    "id": self.new_id("visits"),
                    "article_id": located["article_id"],
                    "paragraph_id": None,
                    "table_row_id": row_id,
                    **visit,
                }
            )

    def add_prose_visits(self, rows, article_id, prose_visits, table_visits):
        """Visits told in prose, unless a visits table has the same person that year."""

        def key(visit):
            return visit["year"], (visit["person"] or "").rpartition(" ")[2]

        tabled = {key(v) for v in table_visits}
        for paragraph_id, visit in prose_visits:
            if key(visit) in tabled:
                continue
            rows["visits"].append(
                {
                    "id": self.new_id("visits"),
                    "article_id": article_id,
                    "paragraph_id": paragraph_id,
                    "table_row_id": None,
                    **visit,
                }
            )


@dataclass
class Prepared:
    """A parsed document with everything extracted from it, ready for ids."""

    doc: Document
    meta: dict
    digest: str
    article: dict  # title, kind, partner_country
    facts: Iterable  # one Facts per block of doc.all_blocks()
    envoys: list
    missions: list


def prepare(source_file, lazy=False):
    """Read, parse and extract one file: the work that can run in another process.

    Returns the IngestError instead of raising it, so that a worker's failure
    reaches the build in input order. lazy leaves the facts as a generator.
    """
    try:
        return prepare_or_raise(source_file, lazy)
    except IngestError as error:
        return error
    except Exception as error:  # noqa: BLE001 -- a parser bug must name the file, not crash
        return IngestError(source_file.path, f"cannot parse: {type(error).__name__}: {error}")


def prepare_or_raise(source_file, lazy):
    text = read_text(source_file.path)
    doc = PARSERS[source_file.format](text, source_file.name)
    gazetteer = Gazetteer.default()
    meta = source_file.meta
    title = doc.title or meta.get("title") or Path(doc.source).stem.replace("_", " ")
    kind = article_kind(doc, meta)
    partner = bilateral_partner(title) if kind == "bilateral" else None
    partner_code = gazetteer.code_for(partner) if partner else None
    facts = document_facts(doc, (MONGOLIA, partner_code) if partner_code else (), gazetteer)
    envoys, missions = envoys_and_missions(doc.infobox, gazetteer)
    return Prepared(
        doc=doc,
        meta=meta,
        digest=content_hash(doc, meta),
        article={"title": title, "kind": kind, "partner_country": partner_code},
        facts=facts if lazy else list(facts),
        envoys=envoys,
        missions=missions,
    )


def leave_signals_to_main():
    """In a worker: Ctrl-C interrupts the main process only, which ends the workers
    (each would print its own traceback); a termination ends a worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def prepare_all(source_files):
    return [prepare(source_file) for source_file in source_files]


def prepared_in_order(files, workers):
    """prepare() each file, in input order, on `workers` processes.

    Files of LARGE_FILE bytes or more are prepared here, lazily, so their facts
    stream into the database instead of crossing a process boundary at once.
    The workers go at most PREPARED_AHEAD chunks each ahead of the writer: pool.imap
    would keep every result the writer has not taken yet (about 140 KB an article),
    gigabytes on a machine whose many cores outrun one writer.
    """
    is_small = [f.path.stat().st_size < LARGE_FILE for f in files]
    small = [f for f, small_file in zip(files, is_small) if small_file]
    if workers < 2 or len(small) < 2:
        for source_file in files:
            yield source_file, prepare(source_file, lazy=True)
        return
    # fork: workers inherit the loaded gazetteer instead of building their own.
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=leave_signals_to_main
    ) as pool:
        chunks = (small[i : i + FILES_PER_TASK] for i in range(0, len(small), FILES_PER_TASK))
        tasks = deque(
            pool.apply_async(prepare_all, (chunk,))
            for chunk in itertools.islice(chunks, PREPARED_AHEAD * workers)
        )
        ready = deque()  # results of a finished task, in order, not yet written
        for source_file, small_file in zip(files, is_small):
            if not small_file:
                yield source_file, prepare(source_file, lazy=True)
                continue
            if not ready:
                ready.extend(tasks.popleft().get())
                if (chunk := next(chunks, None)) is not None:
                    tasks.append(pool.apply_async(prepare_all, (chunk,)))
            yield source_file, ready.popleft()


@contextmanager
def collector_for_build():
    """Cheaper cyclic garbage collection during a build, in the forked workers too.

    What lives now (modules, the gazetteer) lives all build: frozen, the collector never
    walks it again. The build makes millions of short-lived objects and few cycles (an
    lxml parser and its target make one per HTML page), so it collects after 50,000 new
    objects instead of 700: a 1k build takes 5% less time (docs/performance.md), and
    every cycle is still collected.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def build(
    db_path, sources, append=False, skip_bad=False, workers=None, progress=lambda items, n: items
):
    """Build db_path from the given files and folders; returns Stats.

    append adds to (or replaces articles of the same source in) the existing
    database instead of starting empty; skip_bad leaves bad files out instead
    of failing. workers: processes that parse and extract (default: one per
    core). progress wraps the iterable of results (the CLI passes a bar).
    """
    started = time.perf_counter()
    stats = Stats(appended=append)
    files, problems, stats.notes = discover(sources)
    if problems and not skip_bad:
        raise problems[0]
    stats.skipped.extend(problems)
    previous = [] if append else stored_sources(db_path)
    gazetteer = Gazetteer.default()
    with collector_for_build(), atomic_database(db_path, copy_existing=append) as db:
        if append:
            add_new_columns(db)
        apply_schema(db)
        if not append:
            defer_indexing(db)
        with db.conn:
            db["countries"].insert_all(gazetteer.rows(), replace=True)
        writer = Writer(db)
        if append:
            stats.notes += sources_not_found(writer, db_path)
        results = prepared_in_order(files, workers or os.cpu_count() or 1)
        for source_file, prepared in progress(results, len(files)):
            if isinstance(prepared, IngestError):
                if not skip_bad:
                    raise prepared
                stats.skipped.append(prepared)
                continue
            stored = writer.stored.get(source_file.real_path)
            if stored and stored[1] == prepared.digest:
                stats.unchanged += 1
                continue
            if prepared.digest in writer.sources_by_hash:
                stats.duplicates.append((source_file.name, writer.sources_by_hash[prepared.digest]))
                continue
            if stored:
                writer.delete_article(source_file.real_path)
                stats.replaced += 1
            writer.write(prepared, source_file.real_path)
        writer.flush()
        stats.counts = writer.counts
        stats.notes += sources_left_out(db_path, previous, files, writer)
        if not writer.stored:
            raise NothingToStore(db_path, stats.skipped)
        with db.conn:
            if append:
                # A few rows more or less: FTS5 merges its new segments as it goes, and
                # sampled statistics do (replacing one article of 10k: 8.1 -> 4.9 s).
                count_event_years(db, writer.changed_countries())
                db.conn.execute(f"PRAGMA analysis_limit = {APPEND_ANALYSIS_LIMIT}")
            else:
                index_text(db)
                apply_schema(db)
                check_foreign_keys(db, db_path)
                count_event_years(db)
                db.conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')")
            db.conn.execute("ANALYZE")
    stats.seconds = time.perf_counter() - started
    return stats
