"""python -m ingest --db PATH SOURCES...: a thin click wrapper around load.build."""

import sys

import click

from .document import IngestError
from .load import build


@click.command()
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite database to build (replaced atomically)",
)
@click.argument("sources", nargs=-1, required=True, type=click.Path())
def cli(db_path, sources):
    """Build the Mongolia Relations database from SOURCES (.txt/.html files or folders)."""

    def progress(files):
        if not sys.stderr.isatty():
            yield from files
            return
        with click.progressbar(
            files, label="Ingesting", file=sys.stderr, item_show_func=lambda f: f and f.path.name
        ) as bar:
            yield from bar

    try:
        stats = build(db_path, sources, progress=progress)
    except IngestError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{db_path}: {error.strerror or error}") from None
    click.echo(stats.summary(db_path))


if __name__ == "__main__":
    cli()
