"""Self-tests for the evaluator (on a hand-built db) and for the labels file itself."""

import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from ingest.extract import EVENT_TYPES
from tests.eval.evaluate import (
    DEFAULT_LABELS,
    EVENT_COUNTRY_LABELS,
    EVENT_TYPE_LABELS,
    VISIT_LABELS,
    LabelError,
    evaluate,
    evaluate_event_countries,
    evaluate_event_types,
    evaluate_visits,
    load_labels,
    main,
    stray_years,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

ALPHA = "Alpha: China and Mongolia met in 1990, after the 1980s thaw."
BETA = "Beta: the United States in May 2001."

LABELS = [
    {
        "source": "x_test.txt",
        "starts": "Alpha: China",
        "countries": ["CHN", "MNG"],
        "dates": [
            {"text": "1990", "date": "1990", "precision": "year"},
            {"text": "1980s", "date": "1980", "precision": "decade", "end_date": "1989"},
        ],
    },
    {
        "source": "x_test.txt",
        "starts": "Beta:",
        "countries": ["USA"],
        "dates": [{"text": "May 2001", "date": "2001-05", "precision": "month"}],
    },
]


def make_db(path, paragraphs=((10, 0, ALPHA), (11, 1, BETA)), extra_article=True):
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE articles (id INTEGER PRIMARY KEY, source TEXT, title TEXT);
        CREATE TABLE paragraphs (id INTEGER PRIMARY KEY, article_id INTEGER,
                                 position INTEGER, text TEXT);
        CREATE TABLE paragraph_countries (paragraph_id INTEGER, country_code TEXT,
                                          mentions INTEGER);
        CREATE TABLE events (id INTEGER PRIMARY KEY, article_id INTEGER, paragraph_id INTEGER,
                             text TEXT, date TEXT, year INTEGER, precision TEXT,
                             end_date TEXT, date_text TEXT, event_type TEXT);
        CREATE TABLE event_countries (event_id INTEGER, country_code TEXT, implied INTEGER);
        CREATE TABLE visits (id INTEGER PRIMARY KEY, article_id INTEGER, person TEXT,
                             year INTEGER, visitor_country TEXT, host_country TEXT,
                             start_date TEXT);
        INSERT INTO event_countries VALUES (1, 'CHN', 0), (1, 'MNG', 1), (3, 'USA', 0);
        INSERT INTO visits VALUES (1, 1, 'Joe Biden', 2011, 'USA', NULL, '2011-08'),
                                  (2, 1, 'Someone Else', 1999, NULL, NULL, '1999');
        """
    )
    conn.execute("INSERT INTO articles VALUES (1, 'seeds/x_test.txt', 'X')")
    if extra_article:  # an article with no labels: ignored, not an error
        conn.execute("INSERT INTO articles VALUES (2, '/abs/seeds/other.txt', 'Other')")
        conn.execute("INSERT INTO paragraphs VALUES (20, 2, 0, 'Other text about Japan.')")
        conn.execute("INSERT INTO paragraph_countries VALUES (20, 'JPN', 1)")
    conn.executemany("INSERT INTO paragraphs VALUES (?, 1, ?, ?)", paragraphs)
    conn.executemany(
        "INSERT INTO paragraph_countries VALUES (?, ?, ?)",
        [(10, "CHN", 1), (10, "RUS", 1), (11, "USA", 2)],
    )
    conn.executemany(
        "INSERT INTO events VALUES (?, 1, ?, 's', ?, ?, ?, ?, ?, 'other')",
        [
            (1, 10, "1990", 1990, "year", None, "1990"),  # correct
            (2, 10, "1985", 1985, "year", None, "1985"),  # stray year, wrong date
            (3, 11, "2001-05", 2001, "month", "2001-05", "May 2001"),  # end_date == date
            (4, 11, "2001", 2001, "year", "", "2001"),  # right year, wrong date/precision
            (5, None, "1944-07", 1944, "month", None, "July 1944"),  # table row: ignored
        ],
    )
    conn.commit()
    conn.close()
    return path


def write_labels(path, labels=LABELS):
    path.write_text(yaml.safe_dump(labels, allow_unicode=True, sort_keys=False))
    return path


@pytest.fixture
def small(tmp_path):
    return make_db(tmp_path / "small.db"), write_labels(tmp_path / "labels.yml")


def test_precision_recall_arithmetic(small):
    db, labels = small
    r = evaluate(db, labels)
    assert r["paragraphs"] == {"labelled": 2, "matched": 2}
    assert all(not v for v in r["errors"].values())

    # gold {A:CHN, A:MNG, B:USA} vs predicted {A:CHN, A:RUS, B:USA}
    c = r["countries"]
    assert (c["tp"], c["fp"], c["fn"]) == (2, 1, 1)
    assert c["precision"] == pytest.approx(2 / 3)
    assert c["recall"] == pytest.approx(2 / 3)
    assert c["f1"] == pytest.approx(2 / 3)
    assert c["false_positives"] == [
        {"source": "x_test.txt", "starts": "Alpha: China", "value": "RUS"}
    ]
    assert c["false_negatives"] == [
        {"source": "x_test.txt", "starts": "Alpha: China", "value": "MNG"}
    ]

    # gold {A:1990, A:1980, B:2001} vs predicted {A:1990, A:1985, B:2001}
    y = r["event_years"]
    assert (y["tp"], y["fp"], y["fn"]) == (2, 1, 1)
    assert [i["value"] for i in y["false_positives"]] == [1985]
    assert [i["value"] for i in y["false_negatives"]] == [1980]

    # gold {A:1990/year, A:1980-1989/decade, B:2001-05/month}
    # predicted {A:1990/year, A:1985/year, B:2001-05/month, B:2001/year}
    d = r["dates"]
    assert (d["tp"], d["fp"], d["fn"]) == (2, 2, 1)
    assert d["precision"] == pytest.approx(0.5)
    assert d["recall"] == pytest.approx(2 / 3)
    assert d["f1"] == pytest.approx(4 / 7)
    assert {tuple(i["value"]) for i in d["false_positives"]} == {
        ("1985", "year", None),
        ("2001", "year", None),
    }
    assert [i["value"] for i in d["false_negatives"]] == [("1980", "decade", "1989")]

    assert r["dates"]["by_source"]["x_test.txt"]["tp"] == 2
    assert r["ignored"]["events_without_paragraph"] == 1
    assert r["ignored"]["unlabelled_articles"] == ["other.txt"]
    assert r["ignored"]["countries_on_unscored_paragraphs"] == 1


def test_stray_years(small):
    db, labels = small
    assert stray_years(db, labels) == [
        {"source": "x_test.txt", "starts": "Alpha: China", "value": 1985}
    ]


def test_perfect_db_scores_one(tmp_path):
    db = make_db(tmp_path / "p.db", extra_article=False)
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM paragraph_countries WHERE country_code = 'RUS'")
    conn.execute("INSERT INTO paragraph_countries VALUES (10, 'mng', 1)")  # case-insensitive
    conn.execute("DELETE FROM events WHERE id IN (2, 4)")
    conn.execute(
        "INSERT INTO events VALUES (6, 1, 10, 's', '1980', NULL, 'decade', '1989', '1980s',"
        " 'other')"
    )  # year NULL: taken from date
    conn.commit()
    conn.close()
    r = evaluate(db, write_labels(tmp_path / "l.yml"))
    for cat in ("countries", "event_years", "dates"):
        assert (r[cat]["precision"], r[cat]["recall"], r[cat]["fp"], r[cat]["fn"]) == (
            1.0,
            1.0,
            0,
            0,
        )
    assert stray_years(db, result=r) == []


def test_parser_mismatches_are_errors(tmp_path):
    # Beta paragraph split differently, plus an extra (heading-like) paragraph.
    db = make_db(
        tmp_path / "m.db",
        paragraphs=((10, 0, ALPHA), (11, 1, "Something else"), (12, 2, "Beta")),
        extra_article=False,
    )
    labels = LABELS + [{**LABELS[1], "source": "missing.txt"}]
    r = evaluate(db, write_labels(tmp_path / "l.yml", labels))
    errors = r["errors"]
    assert errors["missing_articles"] == ["missing.txt"]
    assert [e["source"] for e in errors["unmatched_labels"]] == ["x_test.txt"]
    assert [e["paragraph_id"] for e in errors["unlabelled_paragraphs"]] == [11, 12]
    assert r["paragraphs"] == {"labelled": 3, "matched": 1}
    # Rows on unmatched paragraphs are not scored.
    assert r["countries"]["tp"] == 1 and r["countries"]["fp"] == 1
    assert r["ignored"]["events_on_unscored_paragraphs"] == 2


EVENT_COUNTRIES = [
    {"source": "x_test.txt", "starts": "Alpha:", "date_text": "1990", "countries": ["CHN", "MNG"]},
    {"source": "x_test.txt", "starts": "Beta:", "date_text": "May 2001", "countries": ["MNG", "USA"]},
]  # fmt: skip
VISITS = [
    {"source": "x_test.txt", "starts": "Beta:", "person": "Joseph Biden",
     "visitor_country": "USA", "host_country": "MNG", "start_date": "2011-08"},
    {"source": "x_test.txt", "starts": "Beta:", "person": "Kim", "visitor_country": "PRK",
     "host_country": "MNG", "start_date": 2005},
]  # fmt: skip


def test_event_country_scoring(small):
    db, labels = small
    result = evaluate_event_countries(db, write_labels(labels, EVENT_COUNTRIES))
    assert (result["labelled"], result["matched"], result["exact"]) == (2, 2, 1)
    # Named: CHN of 1990, USA of May 2001; implied: MNG of 1990; missed: MNG of May 2001.
    assert [result["named"][k] for k in ("tp", "fp", "fn", "precision", "recall")] == [
        2, 0, 2, 1.0, 0.5
    ]  # fmt: skip
    assert [result["all"][k] for k in ("tp", "fp", "fn", "recall")] == [3, 0, 1, 0.75]
    assert result["wrong"] == [
        {"source": "x_test.txt", "starts": "Beta:", "date_text": "May 2001",
         "expected": ["MNG", "USA"], "found": ["USA"]}
    ]  # fmt: skip


def test_visit_scoring(small):
    db, labels = small
    result = evaluate_visits(db, write_labels(labels, VISITS))
    # Found by surname and year: Biden; Kim's 2005 visit has no row; the 1999 row no label.
    found = result["found"]
    assert (result["labelled"], result["rows"], found["tp"], found["fp"], found["fn"]) == (
        2, 2, 1, 1, 1
    )  # fmt: skip
    assert result["fields"] == {"visitor_country": 1, "host_country": 0, "start_date": 1}
    assert result["wrong"] == [
        {"person": "Joseph Biden", "field": "host_country", "expected": "MNG", "found": None}
    ]
    assert [v["person"] for v in result["missed"]] == ["Kim"]
    assert result["extra"] == [("seeds/x_test.txt", "Someone Else", 1999, None, None, "1999")]


def test_visits_of_one_person_and_year_pair_as_they_agree(small):
    """Two groups no one is named in, the same year: each label finds its own row,
    whichever order the labels come in."""
    db, labels = small
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM visits")
        conn.execute(
            "INSERT INTO visits VALUES (1, 1, NULL, 2007, 'USA', 'MNG', '2007-07'),"
            " (2, 1, NULL, 2007, 'MNG', 'USA', '2007-08')"
        )
    groups = [
        {"source": "x_test.txt", "starts": "Beta:", "person": None, "visitor_country": "MNG",
         "host_country": "USA", "start_date": "2007-08"},
        {"source": "x_test.txt", "starts": "Beta:", "person": None, "visitor_country": "USA",
         "host_country": "MNG", "start_date": "2007-07"},
    ]  # fmt: skip
    for order in (groups, groups[::-1]):
        result = evaluate_visits(db, write_labels(labels, order))
        assert result["found"]["tp"] == 2 and result["wrong"] == []


def test_cli(small, capsys):
    db, labels = small
    types = labels.with_name("types.yml")
    types.write_text(
        yaml.safe_dump([{"source": "x_test.txt", "starts": "Beta:", "date_text": "May 2001",
                         "type": "visit"}])
    )  # fmt: skip
    countries = write_labels(labels.with_name("countries.yml"), EVENT_COUNTRIES)
    visits = write_labels(labels.with_name("visits.yml"), VISITS)
    more = [
        "--event-types",
        str(types),
        "--event-countries",
        str(countries),
        "--visits",
        str(visits),
    ]
    assert main([str(db), "--labels", str(labels), *more, "-v"]) == 0
    out = capsys.readouterr().out
    assert (
        "event countries: 1/2 date mentions linked to exactly the labelled countries;"
        " 0 labels with no event of that date text"
    ) in out
    assert "named + implied  p=1.000 r=0.750" in out
    assert "visits: 1 of 2 labelled visits found in 2 rows (p=0.500 r=0.500)" in out
    assert "visitor_country 1/1, host_country 0/1, start_date 1/1" in out
    assert "event types: 0/1 date mentions typed as labelled (0.000)" in out
    assert "'May 2001': visit, found other" in out
    assert re.search(r"^countries\s+0\.667\s+0\.667", out, re.MULTILINE)
    assert re.search(r"^dates\s+0\.500\s+0\.667\s+0\.571\s+2\s+2\s+1", out, re.MULTILINE)
    assert "1985" in out
    assert main(["--db", str(db), "--labels", str(labels), *more]) == 0


def test_bad_labels_rejected(tmp_path):
    bad = [{**LABELS[1], "dates": [{"date": "2001-5", "precision": "month"}]}]
    with pytest.raises(LabelError):
        load_labels(write_labels(tmp_path / "bad.yml", bad))
    bad = [{**LABELS[0], "dates": [{"date": "1980", "precision": "decade"}]}]
    with pytest.raises(LabelError):
        load_labels(write_labels(tmp_path / "bad2.yml", bad))


# --------------------------------------------------------------------------- the real labels

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def prose_lines(path):
    """Prose lines of a seed: what the labels must cover (one label each)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    bare_headings = not any(line.startswith("=") for line in lines)
    out = []
    for line in lines:
        if not line or line == "Infobox" or line[0] in "=|" or line.startswith("- "):
            continue
        if bare_headings and line[-1] not in '.!?"”':
            continue  # essay title line
        out.append(line)
    return out


@pytest.fixture(scope="module")
def real_labels():
    return load_labels(DEFAULT_LABELS)


def test_labels_cover_every_prose_line_once(real_labels):
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds, "no seeds found"
    assert {label["source"] for label in real_labels} == {p.name for p in seeds}
    for seed in seeds:
        lines = prose_lines(seed)
        labels = [label for label in real_labels if label["source"] == seed.name]
        assert len(labels) == len(lines), seed.name
        for label, line in zip(labels, lines):
            assert line.startswith(label["starts"]), (seed.name, label["starts"])
            assert sum(other.startswith(label["starts"]) for other in lines) == 1


def test_label_dates_are_in_their_paragraph(real_labels):
    lines_of = {seed.name: prose_lines(seed) for seed in SEEDS.glob("*.txt")}
    for label in real_labels:
        (text,) = [t for t in lines_of[label["source"]] if t.startswith(label["starts"])]
        spans = []
        for item in label["dates"]:
            where = (label["starts"], item)
            date, precision, end = item["date"], item["precision"], item.get("end_date")
            assert item["text"] in text, where
            start = int(date[:4]) if len(date.split("-")[0]) == 4 else int(date.split("-")[0])
            stop = int(end.split("-")[0]) if end else start
            spans.append((start, stop))
            if precision in ("day", "month", "year"):
                assert str(start) in item["text"], where
            if precision == "decade":
                assert f"{start}s" in item["text"], where
                assert stop == start + 9 or item["text"].count("s") >= 2, where
            if precision == "century":
                assert start % 100 == 0 and stop % 100 == 99, where
            if precision in ("day", "month") and "summer" not in item["text"]:
                assert MONTHS[int(date[5:7]) - 1] in item["text"], where
            if precision == "day":
                assert re.search(rf"\b{int(date[8:10])}\b", item["text"]), where
        # Every 4-digit year in the paragraph is covered by some labelled date.
        for match in re.finditer(r"(?<![\d$.,])(1\d{3}|20\d{2})(?![\d,%]|\.\d)", text):
            year = int(match.group(1))
            assert any(a <= year <= b for a, b in spans), (label["starts"], year)


def test_real_labels_round_trip(real_labels, tmp_path):
    """A db that says exactly what the labels say scores 1.0 with no errors."""
    db = tmp_path / "gold.db"
    make_db(db, paragraphs=(), extra_article=False)
    conn = sqlite3.connect(db)
    conn.executescript("DELETE FROM articles; DELETE FROM paragraph_countries; DELETE FROM events;")
    types = iter(yaml.safe_load(EVENT_TYPE_LABELS.read_text(encoding="utf-8")))
    pid = eid = 0
    for aid, seed in enumerate(sorted(SEEDS.glob("*.txt")), 1):
        conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?)", (aid, f"seeds/{seed.name}", seed.name)
        )
        labels = [label for label in real_labels if label["source"] == seed.name]
        for position, (line, label) in enumerate(zip(prose_lines(seed), labels)):
            pid += 1
            conn.execute("INSERT INTO paragraphs VALUES (?, ?, ?, ?)", (pid, aid, position, line))
            for code in label["countries"]:
                conn.execute("INSERT INTO paragraph_countries VALUES (?, ?, 1)", (pid, code))
            for item in label["dates"]:
                eid += 1
                conn.execute(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        eid,
                        aid,
                        pid,
                        line,
                        item["date"],
                        int(item["date"].split("-")[0]),
                        item["precision"],
                        item.get("end_date"),
                        item["text"],
                        next(types)["type"],
                    ),
                )
    conn.commit()
    conn.close()
    r = evaluate(db)
    assert not any(r["errors"].values()), r["errors"]
    assert r["paragraphs"]["matched"] == len(real_labels)
    for cat in ("countries", "event_years", "dates"):
        assert (r[cat]["precision"], r[cat]["recall"]) == (1.0, 1.0), cat
    assert stray_years(db, result=r) == []
    typed = evaluate_event_types(db)
    assert (typed["matched"], typed["accuracy"]) == (typed["labelled"], 1.0)


def test_event_type_labels_follow_the_date_labels(real_labels):
    """One type for every date mention of labels.yml, in the same order."""
    typed = yaml.safe_load(EVENT_TYPE_LABELS.read_text(encoding="utf-8"))
    assert [(t["source"], t["starts"], t["date_text"]) for t in typed] == [
        (label["source"], label["starts"], item["text"])
        for label in real_labels
        for item in label["dates"] or []
    ]
    # A type the extractor gives, or "other" (no type's words): labels read by a person,
    # so a misspelt one would count as a miss. A new type need not be in a seed.
    assert {t["type"] for t in typed} <= {*EVENT_TYPES, "other"}


def test_event_country_labels_follow_the_event_type_labels():
    """Countries for every date mention of event_types.yml, in the same order."""
    typed = yaml.safe_load(EVENT_TYPE_LABELS.read_text(encoding="utf-8"))
    linked = yaml.safe_load(EVENT_COUNTRY_LABELS.read_text(encoding="utf-8"))
    keys = ("source", "starts", "date_text")
    assert [[t[k] for k in keys] for t in typed] == [[c[k] for k in keys] for c in linked]
    codes = [code for c in linked for code in c["countries"]]
    assert codes and all(re.fullmatch(r"[A-Z]{3}", code) for code in codes)


def test_visit_labels_quote_lines_of_their_seeds():
    visits = yaml.safe_load(VISIT_LABELS.read_text(encoding="utf-8"))
    assert visits
    for visit in visits:
        lines = (SEEDS / visit["source"]).read_text(encoding="utf-8").splitlines()
        assert any(line.startswith(visit["starts"]) for line in lines), visit
        assert {"person", "visitor_country", "host_country", "start_date"} <= set(visit)


def test_event_type_scoring(tmp_path):
    db = tmp_path / "types.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE articles (id INTEGER PRIMARY KEY, source TEXT);
        CREATE TABLE paragraphs (id INTEGER PRIMARY KEY, article_id INTEGER, text TEXT);
        CREATE TABLE events (id INTEGER PRIMARY KEY, article_id INTEGER, paragraph_id INTEGER,
                             date_text TEXT, event_type TEXT);
        INSERT INTO articles VALUES (1, 'seeds/x_test.txt');
        INSERT INTO paragraphs VALUES (10, 1, 'Alpha: a treaty in 1990 and a visit in 1990.');
        INSERT INTO events VALUES (1, 1, 10, '1990', 'treaty'), (2, 1, 10, '1990', 'treaty');
        """
    )
    conn.commit()
    conn.close()
    labels = tmp_path / "types.yml"
    labels.write_text(
        yaml.safe_dump(
            [
                {"source": "x_test.txt", "starts": "Alpha:", "date_text": "1990", "type": t}
                for t in ("treaty", "visit", "aid")
            ]
        )
    )
    result = evaluate_event_types(db, labels)
    assert {k: result[k] for k in ("labelled", "matched", "correct", "accuracy")} == {
        "labelled": 3,
        "matched": 2,  # the same date twice: labels and events pair in order
        "correct": 1,
        "accuracy": 0.5,
    }
    assert result["wrong"] == [
        {
            "source": "x_test.txt",
            "starts": "Alpha:",
            "date_text": "1990",
            "expected": "visit",
            "found": "treaty",
        }
    ]
    assert [label["type"] for label in result["unmatched"]] == ["aid"]
    assert result["by_type"]["treaty"]["precision"] == 0.5
