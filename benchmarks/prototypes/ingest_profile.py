"""Where the ingest's time goes: main process against workers, and inside prepare().

    python benchmarks/prototypes/ingest_profile.py benchmarks/corpus/1000 --workers 2
    python benchmarks/prototypes/ingest_profile.py benchmarks/corpus/1000 --profile 200

Without --profile: one build (ingest.load.build) into a scratch file, in this
process, and the CPU seconds of this main process (numbering ids and writing
rows) against those of the worker processes (reading, parsing, extracting), and
the main process's CPU in its writing functions.
With --profile N: cProfile of ingest.prepare.prepare() over the first N files in
one process, by CPU time, the functions that cost most.
"""

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest import load, prepare, writer
from ingest.sources import discover


def timed(totals, name, function):
    """function, adding the CPU seconds of each call to totals[name]."""

    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.process_time() - started

    return wrapper


def split(corpus, workers):
    # The main process's own CPU: writing rows (insert_all) and making them.
    totals = {}
    writer.Writer.flush = timed(totals, "Writer.flush (insert_all)", writer.Writer.flush)
    writer.Writer.write = timed(totals, "Writer.write (rows, with flushes)", writer.Writer.write)
    load.apply_schema = timed(totals, "apply_schema (indexes at the end)", load.apply_schema)
    load.check_foreign_keys = timed(totals, "check_foreign_keys", load.check_foreign_keys)
    work = ROOT / "benchmarks" / "work"  # git-ignored
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as folder:
        started = time.perf_counter()
        stats = load.build(str(Path(folder) / "profile.db"), [corpus], workers=workers)
        wall = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(stats.summary("build"))
    print(
        f"workers={workers}: wall {wall:.2f}s; main process CPU "
        f"{me.ru_utime + me.ru_stime:.2f}s; worker processes CPU "
        f"{kids.ru_utime + kids.ru_stime:.2f}s"
    )
    for name, seconds in totals.items():
        print(f"  main process, {name}: {seconds:.2f} CPU s")


def profile(corpus, count):
    files, _, _ = discover([corpus])
    files = files[:count]
    prepare.prepare(files[0])  # imports, gazetteer
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for source_file in files:
        prepare.prepare(source_file)
    profiler.disable()
    print(f"prepare() of {len(files)} files: {time.process_time() - started:.2f} CPU s")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"ingest/", 25)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=int, metavar="N", help="profile prepare() of N files")
    args = parser.parse_args()
    if args.profile:
        profile(args.corpus, args.profile)
    else:
        split(args.corpus, args.workers)


if __name__ == "__main__":
    main()
