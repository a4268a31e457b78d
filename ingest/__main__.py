"""python -m ingest --db PATH SOURCES...: a thin click wrapper around load.build."""

import signal
import sqlite3
import sys

import click

from .document import IngestError
from .load import NothingToStore, build


class Terminated(BaseException):
    """SIGTERM, raised wherever the build is, so that it cleans up as for Ctrl-C."""


def terminate(signal_number, frame):
    raise Terminated


def report_skipped(errors):
    for error in errors:
        click.echo(f"Skipped: {error}", err=True)


@click.command()
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite database to build (replaced atomically)",
)
@click.option(
    "--append",
    is_flag=True,
    help="Add to the existing database; a source already stored is replaced if its content changed",
)
@click.option("--skip-bad", is_flag=True, help="Ingest the good files and list the bad ones")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
def cli(db_path, sources, append, skip_bad):
    """Build the Mongolia Relations database from SOURCES: .txt, .html or .htm files, or
    folders of them (subfolders are not read).

    The database is written to a temporary file and renamed over the --db file
    at the end, so on any error that file is left exactly as it was.
    """

    def progress(results, length):
        if not sys.stderr.isatty():
            yield from results
            return
        with click.progressbar(
            results,
            length=length,
            label="Ingesting",
            file=sys.stderr,
            item_show_func=lambda item: item and item[0].path.name,
        ) as bar:
            yield from bar

    if not db_path.strip():
        raise click.BadParameter("no path given", param_hint="--db")
    # A termination (kill, a container stopping) ends the build as Ctrl-C does: the
    # temporary file is removed and the database left as it was.
    signal.signal(signal.SIGTERM, terminate)
    try:
        stats = build(db_path, sources, append=append, skip_bad=skip_bad, progress=progress)
    except (KeyboardInterrupt, Terminated) as stop:
        click.echo(f"Interrupted: {db_path} was left as it was", err=True)
        sys.exit(130 if isinstance(stop, KeyboardInterrupt) else 128 + signal.SIGTERM)
    except NothingToStore as error:
        report_skipped(error.skipped)
        raise click.ClickException(str(error)) from None
    except IngestError as error:
        raise click.ClickException(str(error)) from None
    except (OSError, sqlite3.DatabaseError) as error:
        reason = getattr(error, "strerror", None) or error
        raise click.ClickException(f"{db_path}: cannot write the database: {reason}") from None
    report_skipped(stats.skipped)
    for note in stats.notes:
        click.echo(f"Note: {note}", err=True)
    for duplicate, original in stats.duplicates:
        click.echo(
            f"Duplicate: {duplicate} has the same content as {original}; stored once", err=True
        )
    click.echo(stats.summary(db_path))


if __name__ == "__main__":
    cli()
