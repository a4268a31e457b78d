"""Read, parse and extract one source file: the work that runs in worker processes.

A Prepared holds the Document and everything extracted from it, without ids;
prepared_in_order hands them to the writer in input order.
"""

import functools
import hashlib
import importlib.metadata
import itertools
import json
import multiprocessing
import re
import signal
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .countries import Gazetteer
from .document import Document, IngestError, ListBlock, Paragraph
from .extract import MONGOLIA, document_facts, envoys_and_missions
from .parse_html import parse_html
from .parse_text import parse_text
from .sources import read_text

PARSERS = {"text": parse_text, "html": parse_html}
BILATERAL_TITLE = re.compile(r"^(?P<a>.+?)\s*[–—-]\s*(?P<b>.+?)\s+relations$", re.IGNORECASE)
KINDS = ("bilateral", "overview", "essay")
LARGE_FILE = 4 * 2**20  # bytes: prepared in the main process, facts streamed
FILES_PER_TASK = 4  # files a worker prepares at a time
PREPARED_AHEAD = 16  # tasks per worker, at most, done or under way before the writer needs them
INGEST = Path(__file__).resolve().parent
SCHEMA = INGEST.parent / "schema.sql"
# ingest/'s files that shape no row: the command line, the rename into place.
NOT_RULES = {"__init__.py", "__main__.py", "atomic.py"}
# Packages whose data or parsing rows hold: country names, season arithmetic, slugs, HTML.
RULE_PACKAGES = ("pycountry", "python-dateutil", "python-slugify", "text-unidecode", "lxml")


def code_lines(text):
    """The lines of Python or YAML that can change what it does: not blank lines, nor
    lines that hold only a comment; line endings and trailing spaces left out. (Reading
    Python's tokens and YAML's data instead would take 0.15 s of every build.)"""
    lines = (line.rstrip() for line in text.splitlines())
    return [line for line in lines if line and not line.lstrip().startswith("#")]


@functools.cache
def rules_digest():
    """SHA-256 of the rules that turn a file into rows: ingest/'s code and YAML (see
    code_lines), schema.sql and the versions of RULE_PACKAGES. Made once per build."""
    digest = hashlib.sha256()

    def add(name, text):
        digest.update(f"{name}\n{text}\n".encode())

    for path in sorted(INGEST.iterdir()):  # not hidden files: an editor's lock or backup
        if path.name.startswith(".") or path.name in NOT_RULES or not path.is_file():
            continue
        if path.suffix in (".py", ".yml"):  # "#" starts a comment in both
            add(path.name, code_lines(path.read_text(encoding="utf-8")))
    add(SCHEMA.name, SCHEMA.read_text(encoding="utf-8").splitlines())
    for package in RULE_PACKAGES:
        add(package, importlib.metadata.version(package))
    return digest.hexdigest()


def content_hash(doc, meta):
    """Identifies the same content: what the document says, whatever the file's name,
    format, spacing or markup (one article saved from two Wikipedia skins, a seed file
    with other line endings), and what sources.yml says of it (title, kind, URL, licence,
    attribution), as read by the same rules (rules_digest: --append replaces an article
    that other rules stored). Not the address and licence a page gives of itself: two
    saves of one revision give the address in two forms (canonical link, permanent link),
    and only one may name the licence (the writer completes the copy it keeps)."""
    digest = hashlib.sha256()

    def add(*part):
        digest.update(json.dumps(part, ensure_ascii=False).encode("utf-8") + b"\n")

    add(rules_digest())
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
    text = read_text(source_file.path, markup=source_file.format == "html")
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


def is_small_file(source_file):
    """Under LARGE_FILE bytes; a file that cannot be read now (removed since it was
    found) is small: prepare() says why, in its turn."""
    try:
        return source_file.path.stat().st_size < LARGE_FILE
    except OSError:
        return True


def prepared_in_order(files, workers):
    """prepare() each file, in input order, on `workers` processes.

    Files of LARGE_FILE bytes or more are prepared here, lazily, so their facts
    stream into the database instead of crossing a process boundary at once.
    The workers go at most PREPARED_AHEAD chunks each ahead of the writer: pool.imap
    would keep every result the writer has not taken yet (about 140 KB an article),
    gigabytes on a machine whose many cores outrun one writer. A worker that dies (killed,
    out of memory) stops the build with an IngestError; multiprocessing.Pool would wait
    for its result for ever.
    """
    is_small = [is_small_file(f) for f in files]
    small = [f for f, small_file in zip(files, is_small) if small_file]
    if workers < 2 or len(small) < 2:
        for source_file in files:
            yield source_file, prepare(source_file, lazy=True)
        return
    # fork: workers inherit the loaded gazetteer and the rules' digest instead of making
    # their own.
    rules_digest()
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=leave_signals_to_main
    )
    try:
        chunks = (small[i : i + FILES_PER_TASK] for i in range(0, len(small), FILES_PER_TASK))
        tasks = deque(
            pool.submit(prepare_all, chunk)
            for chunk in itertools.islice(chunks, PREPARED_AHEAD * workers)
        )
        ready = deque()  # results of a finished task, in order, not yet written
        for source_file, small_file in zip(files, is_small):
            if not small_file:
                yield source_file, prepare(source_file, lazy=True)
                continue
            if not ready:
                try:
                    ready.extend(tasks.popleft().result())
                except BrokenProcessPool:
                    reason = "a worker process stopped before this file was read (killed, or out of memory?)"
                    raise IngestError(source_file.path, reason) from None
                if (chunk := next(chunks, None)) is not None:
                    tasks.append(pool.submit(prepare_all, chunk))
            yield source_file, ready.popleft()
    finally:
        # Waiting for the tasks under way (a few files) lets the pool's own thread end
        # here: left to the interpreter's exit, after an error, it may print a traceback.
        pool.shutdown(wait=True, cancel_futures=True)
