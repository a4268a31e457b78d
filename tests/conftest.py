import asyncio
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette
from datasette.plugins import pm
from hypothesis import settings

from ingest.load import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The seed documents the tests of ingest behaviour (appends, skipped files, notes) copy and
# count: a seed added to seeds/ later changes only the tests of the seeds' own rows.
FOUR_SEEDS = (
    "000_00c727371ce16b12.txt",
    "001_5aec68fe40d6b87b.txt",
    "002_33f84262c03c3c5e.txt",
    "003_389149d6423ab54b.txt",
)
# Where the HTML fixtures say they come from (tests/fixtures/html/): the US article, and
# its permanent link without the revision number.
ARTICLE_URL = "https://en.wikipedia.org/wiki/Mongolia%E2%80%93United_States_relations"
PERMALINK = (
    "https://en.wikipedia.org/w/index.php?title=Mongolia%E2%80%93United_States_relations&oldid="
)
# Property tests check what holds, not how fast: no deadline per example, which a loaded
# machine can pass with no fault in the code.
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")


def read_metadata():
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


# The tables metadata.yml links to countries and years (plugins: country-year).
LINKED_TABLES = [
    table
    for table, config in read_metadata()["databases"]["relations"]["tables"].items()
    if "country-year" in (config.get("plugins") or {})
]


def query(db_path, sql, params=None):
    """The rows of sql on the database at db_path, as tuples."""
    with closing(sqlite3.connect(db_path)) as conn:
        return [tuple(row) for row in conn.execute(sql, params or {})]


def run_cli(*args, cwd=ROOT, timeout=None):
    """python -m ingest with args, as a person runs it: the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "ingest", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def copy_four_seeds(folder):
    """folder, made, with the FOUR_SEEDS and their entries of seeds/sources.yml."""
    folder.mkdir(parents=True)
    for name in FOUR_SEEDS:
        shutil.copy(SEEDS / name, folder / name)
    entries = yaml.safe_load((SEEDS / "sources.yml").read_text(encoding="utf-8"))
    kept = {name: entries[name] for name in FOUR_SEEDS}
    (folder / "sources.yml").write_text(
        yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


def datasette_of(documents, folder, metadata):
    """Datasette on relations.db built in folder, with the real ingest, from documents:
    {file name: text}."""
    sources = folder / "sources"
    sources.mkdir()
    for name, text in documents.items():
        (sources / name).write_text(text, encoding="utf-8")
    build(folder / "relations.db", [sources])
    return Datasette(
        [str(folder / "relations.db")], metadata=metadata, plugins_dir=str(ROOT / "plugins")
    )


async def every_page(ds, url):
    """The rows of a table page in Datasette's JSON (_shape=objects) and of every page
    after it, following next_url."""
    rows = []
    while url:
        page = (await ds.client.get(url)).json()
        rows += page["rows"]
        url = page["next_url"] and page["next_url"].removeprefix("http://localhost")
    return rows


async def immutable_ds(seeds_db, metadata, **settings):
    """The seeds database opened immutable, once its startup counts are ready."""
    ds = Datasette(
        [],
        immutables=[str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings=settings,
    )
    await ds.invoke_startup()
    links = pm.get_plugin("pages.py").links
    for _ in range(200):  # the counting runs in the background
        counted = [links.counted_at_startup(ds, "relations", t, "country") for t in LINKED_TABLES]
        if None not in counted:
            return ds
        await asyncio.sleep(0.05)
    pytest.fail("the startup counts were not ready")


def changed_copy(seeds_db, metadata, folder, *statements):
    """Datasette on a copy of the seeds database in folder, with the statements run on it."""
    path = folder / "relations.db"
    shutil.copy(seeds_db, path)
    with sqlite3.connect(path) as changed:
        for statement in statements:
            changed.execute(statement)
    return Datasette([str(path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory):
    """relations.db built from the real seeds with the real ingest."""
    path = tmp_path_factory.mktemp("seeds") / "relations.db"
    build(path, [SEEDS])
    return path


@pytest.fixture(scope="session")
def metadata():
    return read_metadata()


@pytest.fixture(scope="session")
def conn(seeds_db):
    """A read-only connection to the seeds database, for the SQL the tests compare with."""
    conn = sqlite3.connect(f"file:{seeds_db}?mode=ro", uri=True)
    yield conn
    conn.close()


@pytest.fixture
def ds(seeds_db, metadata):
    return Datasette(
        [str(seeds_db)],
        immutables=[],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
    )
