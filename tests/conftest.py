from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from ingest.load import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory):
    """relations.db built from the real seeds with the real ingest."""
    path = tmp_path_factory.mktemp("seeds") / "relations.db"
    build(path, [SEEDS])
    return path


@pytest.fixture(scope="session")
def metadata():
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture
def ds(seeds_db, metadata):
    return Datasette(
        [str(seeds_db)],
        immutables=[],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
    )
