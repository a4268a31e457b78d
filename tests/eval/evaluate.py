"""Score a built Mongolia Relations database against the hand-labelled paragraphs.

Usage::

    python -m tests.eval.evaluate --db relations.db [--labels tests/eval/labels.yml] [--verbose]
    python tests/eval/evaluate.py relations.db

Database contract (only these columns are read)::

    articles(id, source, ...)                 source ends with the seed file name
    paragraphs(id, article_id, position, text)
    paragraph_countries(paragraph_id, country_code, mentions)
    events(id, article_id, paragraph_id, text, date, year, precision, end_date,
           date_text, event_type)                          the last two for event types
    event_countries(event_id, country_code, implied)
    visits(id, article_id, person, year, visitor_country, host_country, start_date)

A label is matched to its paragraph by seed file name (the last path component of
``articles.source``) and ``paragraphs.text.startswith(label["starts"])``. Labels that
match no paragraph (or several), and paragraphs of labelled articles that no label
matches, are reported under ``errors``: they point at a parser problem, not at the
extractors. Only matched paragraphs are scored; events without a paragraph (e.g.
rows taken from tables) and rows on unmatched paragraphs are counted under
``ignored`` and never scored.

Categories, each scored as sets (so a value mentioned twice counts once):

``countries``   (paragraph, country_code) from paragraph_countries
``event_years`` (paragraph, year) from events vs the start year of each labelled date
``dates``       (paragraph, date, precision, end_date) from events vs the labels

Event types are scored apart (``evaluate_event_types``), against event_types.yml:
the type a person gave each date mention of labels.yml, by reading; so are the
countries of each date mention (``evaluate_event_countries``, event_countries.yml,
against event_countries) and the visits (``evaluate_visits``, visits.yml, against the
visits table).

``end_date`` is normalised: NULL, "" and an end_date equal to the date all mean
"no range". ``events.year`` is used for event_years; when it is NULL the year is
taken from the first 3-4 digits of ``events.date``.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

import yaml

DEFAULT_LABELS = Path(__file__).with_name("labels.yml")
EVENT_TYPE_LABELS = Path(__file__).with_name("event_types.yml")
EVENT_COUNTRY_LABELS = Path(__file__).with_name("event_countries.yml")
VISIT_LABELS = Path(__file__).with_name("visits.yml")
CATEGORIES = ("countries", "event_years", "dates")
PRECISIONS = ("day", "month", "year", "decade", "century")
_DATE_SHAPES = {
    "day": re.compile(r"^\d{3,4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{3,4}-\d{2}$"),
    "year": re.compile(r"^\d{3,4}$"),
    "decade": re.compile(r"^\d{3,4}$"),
    "century": re.compile(r"^\d{3,4}$"),
}
_CODE = re.compile(r"^[A-Z]{3}$")


# --------------------------------------------------------------------------- labels


class LabelError(ValueError):
    """The labels file is malformed."""


def load_labels(labels_path=DEFAULT_LABELS) -> list[dict]:
    """Read and validate the labels file; return the list of label dicts."""
    with open(labels_path, encoding="utf-8") as handle:
        labels = yaml.safe_load(handle) or []
    if not isinstance(labels, list):
        raise LabelError(f"{labels_path}: top level must be a list")
    for index, label in enumerate(labels):
        where = f"{labels_path}: label #{index + 1}"
        if not isinstance(label, dict):
            raise LabelError(f"{where}: not a mapping")
        for key in ("source", "starts", "countries", "dates"):
            if key not in label:
                raise LabelError(f"{where}: missing {key!r}")
        if not isinstance(label["starts"], str) or not label["starts"].strip():
            raise LabelError(f"{where}: 'starts' must be a non-empty string")
        where = f"{where} ({label['source']}: {label['starts']!r})"
        countries = label["countries"] or []
        for code in countries:
            if not isinstance(code, str) or not _CODE.match(code):
                raise LabelError(f"{where}: bad country code {code!r}")
        if len(set(countries)) != len(countries):
            raise LabelError(f"{where}: duplicate country code")
        for item in label["dates"] or []:
            if not isinstance(item, dict):
                raise LabelError(f"{where}: date entry {item!r} is not a mapping")
            precision = item.get("precision")
            if precision not in PRECISIONS:
                raise LabelError(f"{where}: bad precision {precision!r}")
            date = item.get("date")
            if not isinstance(date, str) or not _DATE_SHAPES[precision].match(date):
                raise LabelError(f"{where}: date {date!r} does not fit precision {precision}")
            end = item.get("end_date")
            if end is not None and (not isinstance(end, str) or end < date):
                raise LabelError(f"{where}: bad end_date {end!r} for {date!r}")
            if precision in ("decade", "century") and end is None:
                raise LabelError(f"{where}: {precision} {date!r} needs an end_date")
    return labels


def _start_year(date) -> int | None:
    match = re.match(r"^(\d{3,4})", str(date or ""))
    return int(match.group(1)) if match else None


def _norm_end(date, end):
    if end is None or end == "" or end == date:
        return None
    return str(end)


def _file_name(source: str) -> str:
    return str(source).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _gold_sets(label) -> dict[str, set]:
    countries = {code for code in label["countries"] or []}
    dates = set()
    years = set()
    for item in label["dates"] or []:
        date = item["date"]
        dates.add((date, item["precision"], _norm_end(date, item.get("end_date"))))
        years.add(_start_year(date))
    return {"countries": countries, "event_years": years, "dates": dates}


# --------------------------------------------------------------------------- db


def _read_db(db_path):
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    try:
        articles = conn.execute("SELECT id, source FROM articles").fetchall()
        paragraphs = conn.execute(
            "SELECT id, article_id, position, text FROM paragraphs ORDER BY article_id, position"
        ).fetchall()
        countries = conn.execute(
            "SELECT paragraph_id, country_code FROM paragraph_countries"
        ).fetchall()
        events = conn.execute(
            "SELECT id, article_id, paragraph_id, date, year, precision, end_date FROM events"
        ).fetchall()
    finally:
        conn.close()
    return articles, paragraphs, countries, events


# --------------------------------------------------------------------------- scoring


def _metrics(gold: set, predicted: set) -> dict:
    tp = len(gold & predicted)
    fp = len(predicted - gold)
    fn = len(gold - predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def evaluate(db_path, labels_path=DEFAULT_LABELS) -> dict:
    """Score the database at ``db_path`` against ``labels_path``.

    Returns a dict::

        {
          "paragraphs": {"labelled": int, "matched": int},
          "errors": {"missing_articles": [...], "unmatched_labels": [...],
                     "ambiguous_labels": [...], "duplicate_matches": [...],
                     "unlabelled_paragraphs": [...]},
          "ignored": {"unlabelled_articles": [...], "events_without_paragraph": int,
                      "events_on_unscored_paragraphs": int,
                      "countries_on_unscored_paragraphs": int},
          "countries" | "event_years" | "dates": {
              "precision", "recall", "f1", "tp", "fp", "fn",
              "false_positives": [{"source", "starts", "value"}...],
              "false_negatives": [...],
              "by_source": {file name: {"precision", "recall", "f1", "tp", "fp", "fn"}},
          },
        }
    """
    labels = load_labels(labels_path)
    articles, paragraphs, country_rows, event_rows = _read_db(db_path)

    articles_by_file = defaultdict(list)
    for article_id, source in articles:
        articles_by_file[_file_name(source)].append(article_id)
    paragraphs_by_article = defaultdict(list)
    for pid, article_id, position, text in paragraphs:
        paragraphs_by_article[article_id].append((pid, text or ""))

    errors = {
        "missing_articles": [],
        "unmatched_labels": [],
        "ambiguous_labels": [],
        "duplicate_matches": [],
        "unlabelled_paragraphs": [],
    }
    labelled_files = sorted({label["source"] for label in labels})
    for name in labelled_files:
        if name not in articles_by_file:
            errors["missing_articles"].append(name)

    # paragraph id -> label index
    matched: dict[int, int] = {}
    for index, label in enumerate(labels):
        hits = [
            pid
            for article_id in articles_by_file.get(label["source"], [])
            for pid, text in paragraphs_by_article[article_id]
            if text.startswith(label["starts"])
        ]
        ref = {"source": label["source"], "starts": label["starts"]}
        if not hits:
            if label["source"] in articles_by_file:  # else already a missing article
                errors["unmatched_labels"].append(ref)
            continue
        if len(hits) > 1:
            errors["ambiguous_labels"].append({**ref, "paragraph_ids": hits})
        pid = hits[0]
        if pid in matched:
            errors["duplicate_matches"].append({**ref, "paragraph_id": pid})
            continue
        matched[pid] = index

    for name in labelled_files:
        for article_id in articles_by_file.get(name, []):
            for pid, text in paragraphs_by_article[article_id]:
                if pid not in matched:
                    errors["unlabelled_paragraphs"].append(
                        {"source": name, "paragraph_id": pid, "text": text[:80]}
                    )

    # Scoring universe: matched paragraphs only, keyed by label index.
    gold = {cat: set() for cat in CATEGORIES}
    for pid, index in matched.items():
        for cat, values in _gold_sets(labels[index]).items():
            gold[cat].update((index, value) for value in values)

    predicted = {cat: set() for cat in CATEGORIES}
    ignored_countries = 0
    for pid, code in country_rows:
        if pid in matched:
            predicted["countries"].add((matched[pid], str(code).strip().upper()))
        else:
            ignored_countries += 1
    events_without_paragraph = 0
    events_unscored = 0
    for _eid, _article_id, pid, date, year, precision, end_date in event_rows:
        if pid is None:
            events_without_paragraph += 1
            continue
        if pid not in matched:
            events_unscored += 1
            continue
        index = matched[pid]
        if year is None:
            year = _start_year(date)
        if year is not None:
            predicted["event_years"].add((index, int(year)))
        if date is not None:
            date = str(date)
            predicted["dates"].add((index, (date, precision, _norm_end(date, end_date))))

    def describe(pairs):
        out = [
            {"source": labels[i]["source"], "starts": labels[i]["starts"], "value": value}
            for i, value in pairs
        ]
        return sorted(out, key=lambda d: (d["source"], d["starts"], repr(d["value"])))

    result = {
        "paragraphs": {"labelled": len(labels), "matched": len(matched)},
        "errors": errors,
        "ignored": {
            "unlabelled_articles": sorted(set(articles_by_file) - set(labelled_files)),
            "events_without_paragraph": events_without_paragraph,
            "events_on_unscored_paragraphs": events_unscored,
            "countries_on_unscored_paragraphs": ignored_countries,
        },
    }
    for cat in CATEGORIES:
        g, p = gold[cat], predicted[cat]
        by_source = {}
        for name in labelled_files:
            keep = {i for i, label in enumerate(labels) if label["source"] == name}
            by_source[name] = _metrics(
                {x for x in g if x[0] in keep}, {x for x in p if x[0] in keep}
            )
        result[cat] = {
            **_metrics(g, p),
            "false_positives": describe(p - g),
            "false_negatives": describe(g - p),
            "by_source": by_source,
        }
    return result


def _load_yaml(path) -> list:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def _read_rows(db_path, sql) -> list[tuple]:
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _pair_with_events(labels, rows):
    """([(label, the last value of its event's row)], [labels with no event]): rows are
    (source, paragraph text, date_text, value) in event order. A label takes the first
    event of its paragraph not yet taken whose date_text holds the label's or is held by
    it ("1899" for "about 1899": the dates score says whether the text is right), so a
    date written twice in a paragraph pairs its labels and events in order."""
    taken, unmatched, pairs = set(), [], []
    for label in labels:
        found = next(
            (
                i
                for i, (source, text, date_text, _) in enumerate(rows)
                if i not in taken
                and _file_name(source) == label["source"]
                and text.startswith(label["starts"])
                and (date_text in label["date_text"] or label["date_text"] in date_text)
            ),
            None,
        )
        if found is None:
            unmatched.append(label)
            continue
        taken.add(found)
        pairs.append((label, rows[found][3]))
    return pairs, unmatched


def evaluate_event_types(db_path, labels_path=EVENT_TYPE_LABELS) -> dict:
    """Score events.event_type against the hand-labelled type of each date mention.

    Each label is paired with an event of its paragraph (see _pair_with_events). Returns ``{"labelled", "matched", "correct", "accuracy",
    "by_type": {type: metrics}, "unmatched": [...], "wrong": [...]}``.
    """
    labels = _load_yaml(labels_path)
    rows = _read_rows(
        db_path,
        "SELECT articles.source, paragraphs.text, events.date_text, events.event_type"
        " FROM events JOIN paragraphs ON paragraphs.id = events.paragraph_id"
        " JOIN articles ON articles.id = events.article_id ORDER BY events.id",
    )
    pairs, unmatched = _pair_with_events(labels, rows)
    by_type = {}
    for kind in sorted({label["type"] for label, _ in pairs} | {found for _, found in pairs}):
        gold = {i for i, (label, _) in enumerate(pairs) if label["type"] == kind}
        predicted = {i for i, (_, found) in enumerate(pairs) if found == kind}
        by_type[kind] = _metrics(gold, predicted)
    wrong = [
        {**{k: label[k] for k in ("source", "starts", "date_text")}, "expected": label["type"],
         "found": found}
        for label, found in pairs
        if found != label["type"]
    ]  # fmt: skip
    correct = len(pairs) - len(wrong)
    return {
        "labelled": len(labels),
        "matched": len(pairs),
        "correct": correct,
        "accuracy": correct / len(pairs) if pairs else 0.0,
        "by_type": by_type,
        "unmatched": unmatched,
        "wrong": wrong,
    }


def evaluate_event_countries(db_path, labels_path=EVENT_COUNTRY_LABELS) -> dict:
    """Score event_countries against the countries a person gave each date mention, by
    reading: as (mention, country) pairs, once for the countries the sentence names
    (implied = 0) and once with the bilateral article's parties the ingest implies.

    Returns ``{"labelled", "matched", "named": metrics, "all": metrics, "exact",
    "wrong": [...]}``; ``exact`` counts the mentions whose linked countries, implied
    ones included, are the labelled ones.
    """
    labels = _load_yaml(labels_path)
    rows = _read_rows(
        db_path,
        "SELECT articles.source, paragraphs.text, events.date_text,"
        " (SELECT json_group_array(json_array(country_code, implied)) FROM event_countries"
        "  WHERE event_id = events.id)"
        " FROM events JOIN paragraphs ON paragraphs.id = events.paragraph_id"
        " JOIN articles ON articles.id = events.article_id ORDER BY events.id",
    )
    pairs, _ = _pair_with_events(labels, rows)
    gold, named, linked, wrong = set(), set(), set(), []
    for i, (label, found) in enumerate(pairs):
        links = json.loads(found)
        expected = set(label["countries"] or [])
        gold |= {(i, code) for code in expected}
        named |= {(i, code) for code, implied in links if not implied}
        linked |= {(i, code) for code, _ in links}
        if {code for code, _ in links} != expected:
            wrong.append(
                {
                    **{k: label[k] for k in ("source", "starts", "date_text")},
                    "expected": sorted(expected),
                    "found": sorted(f"{code}{'*' if implied else ''}" for code, implied in links),
                }
            )
    return {
        "labelled": len(labels),
        "matched": len(pairs),
        "named": _metrics(gold, named),
        "all": _metrics(gold, linked),
        "exact": len(pairs) - len(wrong),
        "wrong": wrong,
    }


def _metrics_line(name, m, width) -> str:
    return (
        f"  {name:<{width}} p={m['precision']:.3f} r={m['recall']:.3f}"
        f" tp={m['tp']} fp={m['fp']} fn={m['fn']}"
    )


def _wrong_line(item) -> str:
    """A date mention scored wrong: where it is, what the label says, what was found."""
    return (
        f"  {item['source'][:3]} {item['starts'][:40]!r} {item['date_text']!r}:"
        f" {item['expected']}, found {item['found']}"
    )


def format_event_countries(result, verbose=False) -> str:
    unmatched = result["labelled"] - result["matched"]
    summary = (
        f"event countries: {result['exact']}/{result['matched']} date mentions linked to"
        f" exactly the labelled countries; {unmatched} labels with no event of that date text"
    )
    lines = [summary]
    for key, name in (("named", "named"), ("all", "named + implied")):
        lines.append(_metrics_line(name, result[key], 16))
    if verbose:
        lines += [f"{_wrong_line(item)} (* implied)" for item in result["wrong"]]
    return "\n".join(lines)


def _surname(person) -> str:
    return (person or "").rpartition(" ")[2].casefold()


def evaluate_visits(db_path, labels_path=VISIT_LABELS) -> dict:
    """Score the visits table against the visits a person found in the seeds, by reading.

    A labelled visit is found when a visit row of the same source has the visitor's
    surname (both none for an unnamed delegation) and the same year; the rows found are
    then checked field by field (visitor_country, host_country, start_date). Returns
    ``{"labelled", "rows", "found": metrics, "fields": {field: correct}, "missed",
    "extra", "wrong"}``.
    """
    labels = _load_yaml(labels_path)
    rows = _read_rows(
        db_path,
        "SELECT articles.source, visits.person, visits.year, visits.visitor_country,"
        " visits.host_country, visits.start_date"
        " FROM visits JOIN articles ON articles.id = visits.article_id ORDER BY visits.id",
    )
    fields = ("visitor_country", "host_country", "start_date")
    taken, missed, found, wrong = set(), [], [], []
    for label in labels:
        year = int(str(label["start_date"])[:4]) if label.get("start_date") else None
        candidates = [
            i
            for i, (source, person, row_year, *_) in enumerate(rows)
            if i not in taken
            and _file_name(source) == label["source"]
            and _surname(person) == _surname(label.get("person"))
            and row_year == year
        ]
        if not candidates:
            missed.append(label)
            continue
        # Of the rows of that person and year (two groups no one is named in, say), the
        # one that agrees most with the label; the first of those.
        match = max(
            candidates,
            key=lambda i: sum(
                str(value) == str(label.get(field)) for field, value in zip(fields, rows[i][3:])
            ),
        )
        taken.add(match)
        row = dict(zip(fields, rows[match][3:]))
        found.append(label)
        for field in fields:
            expected = label.get(field)
            if str(row[field]) != str(expected):
                wrong.append({"person": label.get("person"), "field": field,
                              "expected": expected, "found": row[field]})  # fmt: skip
    counted = {field: len(found) - sum(w["field"] == field for w in wrong) for field in fields}
    extra = [i for i in range(len(rows)) if i not in taken]
    return {
        "labelled": len(labels),
        "rows": len(rows),
        # Labels and rows as sets: a found visit is in both, a missed one only in the
        # labels, a row no label found only in the rows.
        "found": _metrics(
            {("visit", i) for i in range(len(found))} | {("missed", i) for i in range(len(missed))},
            {("visit", i) for i in range(len(found))} | {("row", i) for i in extra},
        ),
        "fields": counted,
        "missed": missed,
        "extra": [rows[i] for i in extra],
        "wrong": wrong,
    }


def format_visits(result, verbose=False) -> str:
    m = result["found"]
    summary = (
        f"visits: {m['tp']} of {result['labelled']} labelled visits found in {result['rows']}"
        f" rows (p={m['precision']:.3f} r={m['recall']:.3f})"
    )
    lines = [summary]
    lines.append(
        "  of those found, right: "
        + ", ".join(f"{field} {n}/{m['tp']}" for field, n in result["fields"].items())
    )
    if verbose:
        lines += [
            f"  missed: {v['source'][:3]} {v.get('person')!r} {v.get('start_date')}"
            for v in result["missed"]
        ]
        lines += [f"  extra row: {row[0]} {row[1]!r} {row[2]}" for row in result["extra"]]
        lines += [
            f"  {w['person']!r} {w['field']}: {w['expected']!r}, found {w['found']!r}"
            for w in result["wrong"]
        ]
    return "\n".join(lines)


def format_event_types(result, verbose=False) -> str:
    unmatched = result["labelled"] - result["matched"]
    summary = (
        f"event types: {result['correct']}/{result['matched']} date mentions typed as labelled"
        f" ({result['accuracy']:.3f}); {unmatched} labels with no event of that date text"
    )
    lines = [summary]
    if verbose:
        lines += [
            f"  unmatched: {item['source'][:3]} {item['starts'][:40]!r} {item['date_text']!r}"
            for item in result["unmatched"]
        ]
    lines += [_metrics_line(kind, m, 14) for kind, m in result["by_type"].items()]
    if verbose:
        lines += [_wrong_line(item) for item in result["wrong"]]
    return "\n".join(lines)


def stray_years(db_path, labels_path=DEFAULT_LABELS, result=None) -> list[dict]:
    """Event years in the db that appear in no label for that paragraph.

    These are exactly the false positives of ``event_years``: each is
    ``{"source", "starts", "value": year}``. Pass an existing ``evaluate`` result
    to avoid reading the database twice.
    """
    if result is None:
        result = evaluate(db_path, labels_path)
    return list(result["event_years"]["false_positives"])


def error_count(result) -> int:
    return sum(len(v) for v in result["errors"].values())


# --------------------------------------------------------------------------- CLI


def format_report(result, verbose=False) -> str:
    lines = []
    para = result["paragraphs"]
    lines.append(f"paragraphs: {para['matched']}/{para['labelled']} labels matched")
    header = (
        f"{'category':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for cat in CATEGORIES:
        m = result[cat]
        lines.append(
            f"{cat:<12} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f}"
            f" {m['tp']:>5} {m['fp']:>5} {m['fn']:>5}"
        )
    if verbose:
        for cat in CATEGORIES:
            lines.append("")
            lines.append(f"{cat} by source:")
            lines += [_metrics_line(name, m, 28) for name, m in result[cat]["by_source"].items()]
            for kind in ("false_positives", "false_negatives"):
                items = result[cat][kind]
                if items:
                    lines.append(f"{cat} {kind.replace('_', ' ')} ({len(items)}):")
                    for item in items:
                        lines.append(
                            f"  {item['source'][:3]} {item['starts'][:40]!r}: {item['value']!r}"
                        )
    ignored = result["ignored"]
    lines.append("")
    lines.append(
        "ignored: "
        f"{ignored['events_without_paragraph']} events without paragraph, "
        f"{ignored['events_on_unscored_paragraphs']} events and "
        f"{ignored['countries_on_unscored_paragraphs']} country rows on unscored paragraphs"
        + (
            f", unlabelled articles: {', '.join(ignored['unlabelled_articles'])}"
            if ignored["unlabelled_articles"]
            else ""
        )
    )
    total = error_count(result)
    if total:
        lines.append(f"ERRORS ({total}) - parser/label mismatches:")
        for kind, items in result["errors"].items():
            for item in items:
                lines.append(f"  {kind}: {item}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db_positional", nargs="?", metavar="DB", help="SQLite database")
    parser.add_argument("--db", help="SQLite database (alternative to the positional DB)")
    parser.add_argument("--labels", default=str(DEFAULT_LABELS), help="labels YAML")
    parser.add_argument(
        "--event-types", default=str(EVENT_TYPE_LABELS), help="event type labels YAML"
    )
    parser.add_argument(
        "--event-countries", default=str(EVENT_COUNTRY_LABELS), help="event country labels YAML"
    )
    parser.add_argument("--visits", default=str(VISIT_LABELS), help="visit labels YAML")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list false positives/negatives"
    )
    args = parser.parse_args(argv)
    db = args.db or args.db_positional
    if not db:
        parser.error("give the database path (positional or --db)")
    if not Path(db).exists():
        parser.error(f"no such database: {db}")
    result = evaluate(db, args.labels)
    print(format_report(result, verbose=args.verbose))
    print()
    print(format_event_types(evaluate_event_types(db, args.event_types), verbose=args.verbose))
    print()
    countries = evaluate_event_countries(db, args.event_countries)
    print(format_event_countries(countries, verbose=args.verbose))
    print()
    print(format_visits(evaluate_visits(db, args.visits), verbose=args.verbose))
    return 1 if error_count(result) else 0


if __name__ == "__main__":
    sys.exit(main())
