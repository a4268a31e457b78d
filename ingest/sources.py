"""Finding, reading and validating source files, and their sources.yml entries.

Every way a file can be unusable ends in IngestError with a one-line reason, so
the CLI can name the file and leave the database alone.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from .document import IngestError

# libyaml's parser when PyYAML has it (the wheels do): ten times faster than the
# pure-Python one, which took 80 ms of every build on the gazetteer alone.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

EXTENSIONS = {".txt": "text", ".html": "html", ".htm": "html"}
SOURCES_FILE = "sources.yml"


@dataclass
class SourceFile:
    path: Path
    format: str  # 'text' or 'html'
    meta: dict  # this file's entry in sources.yml (title, kind, url, license), or {}

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
                entries = yaml.load(path.read_text(encoding="utf-8"), SAFE_LOADER) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                raise IngestError(path, f"invalid YAML: {str(error).splitlines()[0]}") from None
            except OSError as error:
                raise IngestError(path, f"cannot read: {error.strerror or error}") from None
            if not isinstance(entries, dict):
                raise IngestError(path, "expected a mapping of file name to entry")
            for name, entry in entries.items():
                if not isinstance(entry, dict):
                    raise IngestError(
                        path, f"{name}: expected a mapping (title, kind, url, license)"
                    )
            cache[folder] = entries
    return cache[folder]


def discover(sources):
    """Expand files and folders into (SourceFiles, IngestErrors), sorted within each folder.

    A folder contributes its .txt/.html files (sources.yml and other files are
    not documents); a file named explicitly must have a known extension. Problems
    are collected, not raised, so that --skip-bad can go on without them.
    """
    files, errors, seen, sources_cache = [], [], set(), {}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            candidates = sorted(p for p in path.iterdir() if p.suffix.lower() in EXTENSIONS)
            if not candidates:
                errors.append(IngestError(path, "folder holds no .txt or .html files"))
        elif not path.exists():
            errors.append(IngestError(path, "no such file or folder"))
            candidates = []
        elif path.suffix.lower() not in EXTENSIONS:
            reason = f"unknown extension {path.suffix or '(none)'!r}: expected .txt or .html"
            errors.append(IngestError(path, reason))
            candidates = []
        else:
            candidates = [path]
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
            files.append(SourceFile(candidate, EXTENSIONS[candidate.suffix.lower()], meta))
    return files, errors


def read_text(path):
    """The file as text, or IngestError saying why it cannot be a document."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise IngestError(path, f"cannot read: {error.strerror or error}") from None
    if not data or data.isspace():  # not data.strip(), which would copy the whole file
        raise IngestError(path, "empty file")
    if b"\x00" in data:
        raise IngestError(path, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestError(
            path, f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}"
        ) from None
    return text.removeprefix("\ufeff")
