"""A database file replaced whole or not at all, and never one that is not ours.

The build writes a temporary file beside the target and renames it over the target
only when every document went in, so a failed or interrupted build leaves the old
file exactly as it was. A build killed outright leaves its temporary file: the next
build of the same database removes it.
"""

import glob
import os
import sqlite3
import tempfile
import urllib.parse
from contextlib import closing, contextmanager
from pathlib import Path

import sqlite_utils

from .document import IngestError
from .sources import kind_of_file

SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every SQLite database file
TABLE_NAMES = "select name from sqlite_master where type = 'table'"


def read_only(path):
    """A read-only connection to the database file at path (a real path)."""
    # Quoted: in a URI, "#", "?" and "%" in the name would open another file.
    return closing(sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True))


@contextmanager
def atomic_database(target, copy_existing=False):
    """A database in a temp file beside target, renamed over it on success.

    copy_existing starts from a copy of target (for --append) instead of empty.
    A symbolic link is followed: the file it points to is replaced, the link kept.
    """
    if str(target).endswith(("/", os.sep)):  # realpath() would drop the slash
        raise IngestError(
            target, f"names a folder: name the database file, like {target}relations.db"
        )
    named, target = target, Path(os.path.realpath(target))
    directory = target.parent
    if not directory.is_dir():
        raise IngestError(named, f"folder {directory} does not exist")
    check_replaceable(named, target)
    remove_left_behind(target)
    # The process id in the name tells a later build whether the file is still in use.
    prefix = f".{target.name}.{os.getpid()}."
    handle, temp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
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


def remove_left_behind(target):
    """Remove the temporary files of builds of target that were killed (SIGKILL, a power
    cut) and had no chance to: those whose process no longer runs."""
    for path in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        pid = path.name.removeprefix(f".{target.name}.").partition(".")[0]
        if not pid.isdecimal():
            continue  # not named by this version: leave it
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            pass  # another user's process: it runs


def check_replaceable(named, target):
    """Refuse to build over a file that is not a database of ours: a mistyped --db must
    not destroy a source document or someone else's database."""
    if target.is_dir():
        raise IngestError(named, "is a folder, not a database file")
    if not target.exists():
        return
    if kind := kind_of_file(target):  # /dev/null, a FIFO: the rename would put a file there
        raise IngestError(named, f"{kind}, not a database file: not replaced")
    if target.stat().st_size == 0:
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
