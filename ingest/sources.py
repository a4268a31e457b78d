"""Finding, reading and validating source files, and their sources.yml entries.

Every way a file can be unusable ends in IngestError with a one-line reason, so
the CLI can name the file and leave the database alone.
"""

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .document import IngestError


# libyaml's parser when PyYAML has it (the wheels do): ten times faster than the
# pure-Python one, which took 80 ms of every build on the gazetteer alone.
class StrictSafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML would keep the
    last one and drop the other without a word)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                given_twice = key in seen
            except TypeError:  # unhashable: construct_mapping says so, as YAML's error
                continue
            if given_twice:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(None, None, f"{key!r} given twice", mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


EXTENSIONS = {".txt": "text", ".html": "html", ".htm": "html"}
SOURCES_FILE = "sources.yml"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # how Windows editors start "Unicode" text
# <meta charset="windows-1252">, or <meta http-equiv=... content="text/html; charset=...">
DECLARED_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


@dataclass
class SourceFile:
    path: Path
    format: str  # 'text' or 'html'
    meta: dict  # this file's entry in sources.yml (title, kind, url, license, attribution), or {}
    real_path: str  # the file named, links followed: the same for every way of writing it

    @property
    def name(self):
        return str(self.path)


def load_sources_yml(folder, cache):
    """The sources.yml of a folder as {file name: entry}; cached per folder."""
    if folder not in cache:
        path = folder / SOURCES_FILE
        cache[folder] = {}
        if path.exists():
            try:
                entries = yaml.load(path.read_text(encoding="utf-8"), StrictSafeLoader) or {}
            except yaml.MarkedYAMLError as error:
                where = f" at line {error.problem_mark.line + 1}" if error.problem_mark else ""
                raise IngestError(path, f"invalid YAML{where}: {error.problem}") from None
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                raise IngestError(path, f"invalid YAML: {str(error).splitlines()[0]}") from None
            except OSError as error:
                raise IngestError(path, f"cannot read: {error.strerror or error}") from None
            if not isinstance(entries, dict):
                raise IngestError(path, "expected a mapping of file name to entry")
            for name, entry in entries.items():
                if not isinstance(entry, dict):
                    raise IngestError(
                        path, f"{name}: expected a mapping (title, kind, url, license, attribution)"
                    )
                for key, value in entry.items():
                    if value is not None and not isinstance(value, str):
                        raise IngestError(path, f"{name}: {key}: expected text (in quotes)")
            cache[folder] = entries
    return cache[folder]


def documents_in(path):
    """The documents a source names: the file itself, or a folder's .txt/.html files."""
    if path.is_dir():
        candidates = sorted(p for p in path.iterdir() if p.suffix.lower() in EXTENSIONS)
        if not candidates:
            raise IngestError(
                path, "folder holds no .txt, .html or .htm files (subfolders are not read)"
            )
        return candidates
    if not path.exists():
        if path.is_symlink():  # broken, or a loop
            raise IngestError(path, f"is a link to {os.readlink(path)}, which leads to no file")
        raise IngestError(path, "no such file or folder")
    if path.suffix.lower() not in EXTENSIONS:
        reason = f"unknown extension {path.suffix or '(none)'!r}: expected .txt, .html or .htm"
        raise IngestError(path, reason)
    return [path]


def unused_entries(folder, cache):
    """Notes on the sources.yml entries that name no file of the folder: a misspelt name
    leaves its file without its title, kind, URL, licence and attribution."""
    return [
        f"{folder / SOURCES_FILE}: {name}: no such file in the folder; the entry is not used"
        for name in load_sources_yml(folder, cache)
        if not (folder / str(name)).is_file()
    ]


def some_of(items, shown=3):
    """'a, b, c, ...': the first few of a list, for a message."""
    return ", ".join(items[:shown]) + (", ..." if len(items) > shown else "")


def subfolders_left(folder):
    """A note on the subfolders of a folder read, which are not: the user may have
    thought them read."""
    subfolders = sorted(
        p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    if not subfolders:
        return []
    note = f"subfolders are not read ({some_of(subfolders)}): give them as sources of their own"
    return [f"{folder}: {note}"]


def discover(sources):
    """Expand files and folders into (SourceFiles, IngestErrors, notes), sorted within
    each folder.

    A folder contributes its .txt/.html files (sources.yml and other files are
    not documents); a file named explicitly must have a known extension. Problems
    are collected, not raised, so that --skip-bad can go on without them. Notes are
    for the user and stop nothing (see unused_entries).
    """
    files, errors, notes, seen, sources_cache = [], [], [], set(), {}
    for source in sources:
        path = Path(source)
        try:
            candidates = documents_in(path)
        except IngestError as error:
            errors.append(error)
            continue
        except OSError as error:  # a folder on the way that we may not enter
            errors.append(IngestError(path, f"cannot read: {error.strerror or error}"))
            continue
        for candidate in candidates:
            try:
                resolved = candidate.resolve(strict=True)
            except (OSError, RuntimeError) as error:  # a dangling link or a loop of them
                errors.append(IngestError(candidate, f"cannot resolve: {error}"))
                continue
            if resolved in seen:
                continue
            seen.add(resolved)
            meta = load_sources_yml(candidate.parent, sources_cache).get(candidate.name) or {}
            files.append(
                SourceFile(candidate, EXTENSIONS[candidate.suffix.lower()], meta, str(resolved))
            )
        if path.is_dir():
            notes += unused_entries(path, sources_cache) + subfolders_left(path)
    return files, errors, notes


def declared_charset(data):
    """The character set an HTML page declares in its <meta> tags, or None."""
    match = DECLARED_CHARSET.search(data, 0, 4096)
    return match.group(1).decode("ascii") if match else None


def kind_of_file(path):
    """What a path that exists is, for a message, if neither a folder nor a regular file
    (a link is followed): "is a device", "is a named pipe"...; else None. OSError if it
    does not exist."""
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    kinds = [
        (stat.S_ISCHR, "is a device"),
        (stat.S_ISBLK, "is a device"),
        (stat.S_ISFIFO, "is a named pipe"),
        (stat.S_ISSOCK, "is a socket"),
    ]
    return next((kind for test, kind in kinds if test(mode)), "is not a regular file")


def read_text(path, markup=False):
    """The file as text, or IngestError saying why it cannot be a document. UTF-8, or for
    a page of markup, what its <meta> declares if UTF-8 cannot read it (a page labelled
    windows-1252 is often UTF-8 all the same)."""
    path = Path(path)
    try:
        # A named pipe would block the read, a device (/dev/zero) never end it.
        if kind := kind_of_file(path):
            raise IngestError(path, f"{kind}, not a document")
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"cannot read: {error.strerror or error}") from None
    if not data or data.isspace():  # not data.strip(), which would copy the whole file
        raise IngestError(path, "empty file")
    if data.startswith(UTF16_BOMS):  # bytes that never start UTF-8
        raise IngestError(path, "UTF-16 text: save it as UTF-8")
    if b"\x00" in data:
        raise IngestError(path, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        declared = declared_charset(data) if markup else None
        if not declared:
            raise IngestError(path, f"not UTF-8: {where}") from None
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            raise IngestError(path, f"not UTF-8, nor {declared} as it declares: {where}") from None
    return text.removeprefix("\ufeff")
