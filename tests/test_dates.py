import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dates import DateMention, find_dates, parse_date

SEEDS = Path(__file__).parent.parent / "seeds"
PRECISIONS = {"day", "month", "year", "decade", "century"}


def found(text):
    """find_dates as comparable tuples: (text, date, precision, end_date)."""
    return [(m.text, m.date, m.precision, m.end_date) for m in find_dates(text)]


# Each sentence holds exactly one date.
SINGLE = [
    # Days, both orders, with and without a preposition or ordinal.
    ("on October 16, 1949, and", ("October 16, 1949", "1949-10-16", "day", None)),
    ("16 October 1949", ("16 October 1949", "1949-10-16", "day", None)),
    ("work formally beginning on 14 May 2025, with", ("14 May 2025", "2025-05-14", "day", None)),
    ("opened on 1 April 1921, the", ("1 April 1921", "1921-04-01", "day", None)),
    ("on 16th October 1949", ("16th October 1949", "1949-10-16", "day", None)),
    ("June 16th 2011", ("June 16th 2011", "2011-06-16", "day", None)),
    ("a mud flow on July 10, 2016.", ("July 10, 2016", "2016-07-10", "day", None)),
    ("sorted as 1991-01-22 here", ("1991-01-22", "1991-01-22", "day", None)),
    # Months.
    ("opened in September 1992 and", ("September 1992", "1992-09", "month", None)),
    ("formally established in October 1949.", ("October 1949", "1949-10", "month", None)),
    ("In January 2024, Mongolia stated", ("January 2024", "2024-01", "month", None)),
    ("Sept. 1992", ("Sept. 1992", "1992-09", "month", None)),
    ("in May of 1990", ("May of 1990", "1990-05", "month", None)),
    ("in May–June 2020", ("May–June 2020", "2020-05", "month", "2020-06")),
    ("December–February 2021", ("December–February 2021", "2020-12", "month", "2021-02")),
    # Seasons: northern meteorological, winter running into the next year.
    ("visit to Mongolia in the summer of 2008.", ("summer of 2008", "2008-06", "month", "2008-08")),
    ("spring 2010", ("spring 2010", "2010-03", "month", "2010-05")),
    ("Autumn of 1990", ("Autumn of 1990", "1990-09", "month", "1990-11")),
    ("fall 2010", ("fall 2010", "2010-09", "month", "2010-11")),
    ("the winter of 2008", ("winter of 2008", "2008-12", "month", "2009-02")),
    # Years with and without cues.
    ("both nations signed a border treaty in 1962.", ("1962", "1962", "year", None)),
    ("New York, 1986 the Mongolian ambassador", ("1986", "1986", "year", None)),
    ("According to a 2017 survey, 82% of", ("2017", "2017", "year", None)),
    ("Gallup's 2020 polls showed", ("2020", "2020", "year", None)),
    ("As of 2014, there were", ("2014", "2014", "year", None)),
    ("main ally until early 1990.", ("early 1990", "1990", "year", None)),
    ("by the mid-1990 elections", ("mid-1990", "1990", "year", None)),
    ("back to pre-1990 levels", ("1990", "1990", "year", None)),
    ("In 2019 students protested", ("2019", "2019", "year", None)),
    ("2008's crisis", ("2008", "2008", "year", None)),
    ("- Vostok 2018", ("2018", "2018", "year", None)),
    # Three-digit years need a cue and no noun after them.
    ("the North in 647 to rule the Plateau", ("647", "0647", "year", None)),
    ("founded in 647.", ("647", "0647", "year", None)),
    ("c. 650, the", ("650", "0650", "year", None)),
    ("in AD 647 the", ("AD 647", "0647", "year", None)),
    ("in AD 100 the", ("AD 100", "0100", "year", None)),  # the first year read
    ("by 2100 and", ("2100", "2100", "year", None)),  # the last
    ("in 647 AD, the", ("647 AD", "0647", "year", None)),
    ("since 1206 AD", ("1206 AD", "1206", "year", None)),
    # Decades.
    ("Since the 1990s, China has", ("1990s", "1990", "decade", "1999")),
    ("in the late 1980s, Chinese", ("late 1980s", "1980", "decade", "1989")),
    ("in the early 1990s, Mongolia", ("early 1990s", "1990", "decade", "1999")),
    ("the mid-1990s", ("mid-1990s", "1990", "decade", "1999")),
    ("recognition in the 1940s, and", ("1940s", "1940", "decade", "1949")),
    ("the 1990's", ("1990's", "1990", "decade", "1999")),
    ("the 2000s", ("2000s", "2000", "decade", "2009")),
    ("amid 1990s turmoil", ("1990s", "1990", "decade", "1999")),
    ("in the 1960s to 1970s, it", ("1960s to 1970s", "1960", "decade", "1979")),
    ("between the 1960s and 1970s", ("between the 1960s and 1970s", "1960", "decade", "1979")),
    # Centuries, including "the 1800s".
    ("in the 19th century, then", ("19th century", "1800", "century", "1899")),
    ("in the early 20th century that", ("early 20th century", "1900", "century", "1999")),
    ("In the 17th to 18th century, the", ("17th to 18th century", "1600", "century", "1799")),
    ("the 17th and 18th centuries", ("17th and 18th centuries", "1600", "century", "1799")),
    ("a 19th-century map", ("19th-century", "1800", "century", "1899")),
    ("the nineteenth century", ("nineteenth century", "1800", "century", "1899")),
    ("the twenty-first century", ("twenty-first century", "2000", "century", "2099")),
    ("the 1800s", ("1800s", "1800", "century", "1899")),
    # Year ranges.
    ("expeditions to Mongolia from 1922–1930.", ("1922–1930", "1922", "year", "1930")),
    ("Afghanistan from 2009-2014.", ("2009-2014", "2009", "year", "2014")),
    ("Kosovo from 2005–2007 and", ("2005–2007", "2005", "year", "2007")),
    ("from 1991 through 2011 was", ("1991 through 2011", "1991", "year", "2011")),
    ("between 1991 and 2011", ("between 1991 and 2011", "1991", "year", "2011")),
    ("from 1944 to 1946", ("1944 to 1946", "1944", "year", "1946")),
    ("1922 – 1930", ("1922 – 1930", "1922", "year", "1930")),
    ("the 1994-95 session", ("1994-95", "1994", "year", "1995")),
    ("from 1999–2000", ("1999–2000", "1999", "year", "2000")),
    ("Tang dynasty (618–907)", ("618–907", "0618", "year", "0907")),
    ("from 618 to 907", ("618 to 907", "0618", "year", "0907")),
    # Day and month ranges.
    ("January 22 – 24, 1991", ("January 22 – 24, 1991", "1991-01-22", "day", "1991-01-24")),
    ("July 30 – August 2, 2019", ("July 30 – August 2, 2019", "2019-07-30", "day", "2019-08-02")),
    ("July 14 – 21, 2004", ("July 14 – 21, 2004", "2004-07-14", "day", "2004-07-21")),
    ("May 5-6, 2020", ("May 5-6, 2020", "2020-05-05", "day", "2020-05-06")),
    ("22–24 January 1992", ("22–24 January 1992", "1992-01-22", "day", "1992-01-24")),
    ("30 July – 2 August 2019", ("30 July – 2 August 2019", "2019-07-30", "day", "2019-08-02")),
    (
        "December 30, 2019 – January 2, 2020",
        ("December 30, 2019 – January 2, 2020", "2019-12-30", "day", "2020-01-02"),
    ),
    (
        "October 2005 – March 2006",
        ("October 2005 – March 2006", "2005-10", "month", "2006-03"),
    ),
]


@pytest.mark.parametrize("text, expected", SINGLE)
def test_single_mention(text, expected):
    assert found(text) == [expected]


# Sentences with several dates (or with traps beside the real dates).
SEVERAL = [
    (
        "In 1989 and 1990, a cultural accord",
        [("1989", "1989", "year", None), ("1990", "1990", "year", None)],
    ),
    (
        "in 1990, 1991 and 1992",
        [
            ("1990", "1990", "year", None),
            ("1991", "1991", "year", None),
            ("1992", "1992", "year", None),
        ],
    ),
    (
        "the 1990s and 2000s",
        [("1990s", "1990", "decade", "1999"), ("2000s", "2000", "decade", "2009")],
    ),
    (
        (
            "Bilateral trade reached US$1.13 billion by the first nine months of 2007, "
            "registering an increase of 90% from 2006."
        ),
        [("2007", "2007", "year", None), ("2006", "2006", "year", None)],
    ),
    (
        "The monetized proceeds of the food aid ($4.2 million in 2006) are",
        [("2006", "2006", "year", None)],
    ),
    (
        "declared its independence in 1911 after more than 200 years of Qing rule.",
        [("1911", "1911", "year", None)],
    ),
    (
        (
            "The 2020 Mongolian National Census reported 19,170 Mongolian citizens, while "
            "the Pew Research Center estimated 27,000 people in 2019."
        ),
        [("2020", "2020", "year", None), ("2019", "2019", "year", None)],
    ),
    ("As of 2014, there were 1,444 international students", [("2014", "2014", "year", None)]),
    (
        "a 19.5 km cross-border extension, first proposed in 2009.",
        [("2009", "2009", "year", None)],
    ),
    (
        "raise capacity to 120 million tonnes by 2030, up by 30 million tonnes",
        [("2030", "2030", "year", None)],
    ),
    (
        "In July 2006 in conjunction with Mongolia's celebration of its 800th anniversary.",
        [("July 2006", "2006-07", "month", None)],
    ),
    (
        (
            "The Peace Corps started operations in Mongolia in July 1991 with a cohort of "
            "21 volunteers."
        ),
        [("July 1991", "1991-07", "month", None)],
    ),
    (
        "During the COVID-19 pandemic, in 2020 the U.S. government provided 1.2 million USD",
        [("2020", "2020", "year", None)],
    ),
    (
        "In most years since 1993, under the Food for Progress and 416(b) programs.",
        [("1993", "1993", "year", None)],
    ),
    (
        "In 2010, 58% approved; it was the first visit in 25 years, the 100th or 101st.",
        [("2010", "2010", "year", None)],
    ),
    (
        "In the summer of 2008 and spring 2010",
        [
            ("summer of 2008", "2008-06", "month", "2008-08"),
            ("spring 2010", "2010-03", "month", "2010-05"),
        ],
    ),
    (
        (
            "Defense Secretary Donald Rumsfeld visited in October 2005 and Speaker Dennis "
            "Hastert visited Mongolia in August 2005."
        ),
        [("October 2005", "2005-10", "month", None), ("August 2005", "2005-08", "month", None)],
    ),
    (
        "In February 2023 the two countries signed an Open Skies Agreement in early 2023",
        [("February 2023", "2023-02", "month", None), ("early 2023", "2023", "year", None)],
    ),
    ("in 1990 to 2000 people", [("1990", "1990", "year", None)]),
    ("February 30, 2020", [("2020", "2020", "year", None)]),  # no such day: only the year
    ("1999–00", [("1999", "1999", "year", None)]),  # an abbreviated end must come after
    ("in 1991-01", [("1991", "1991", "year", None)]),  # year-month codes are not ranges
    ("from 900 to 9000", []),  # a range may not end after 2100
    ("it may 2020", [("2020", "2020", "year", None)]),  # the verb is not a month
    ("Mayor 2020", [("2020", "2020", "year", None)]),
]


@pytest.mark.parametrize("text, expected", SEVERAL)
def test_several_mentions(text, expected):
    assert found(text) == expected


# Numbers that are never dates.
TRAPS = [
    "US$1.13 billion",
    "$4.2 million",
    "a 19.5 km extension",
    "1,444 students",
    "19,170 citizens",
    "27,000 people",
    "its 800th anniversary",
    "the first visit in 25 years",
    "more than 200 years of rule",
    "over the 20-year lifetime",
    "90% from",
    "with 58% expressing approval",
    "the 100th or 101st country",
    "120 million tonnes",
    "by 30 million tonnes",
    "by 120 million tonnes",
    "the COVID-19 pandemic",
    "the 416(b) programs",
    "a cohort of 21 volunteers",
    "more than 2 million people",
    "the six-year-old Xuantong Emperor",
    "in 200 years",
    "around 300 to 400 soldiers",
    "in 647,000 homes",
    "in 1500 BC",
    "in 500 BC",
    "the 3rd century BC",
    "a 2000-year-old tradition",
    "a 1500 km border",
    "sent 1500 troops",
    "US$200,000 in aid",
    "Envoy1: Ambassador",
    "ISBN 978-1-4000",
    "A1998 and 1998A",
    "3000 years ago",
    "in 2500",
    "an ad 500 times",
]


@pytest.mark.parametrize("text", TRAPS)
def test_never_a_date(text):
    assert found(text) == []


def test_full_mentions_with_offsets():
    assert find_dates("were formally established in October 1949.") == [
        DateMention("October 1949", 29, 41, "1949-10", 1949, "month", None)
    ]
    assert find_dates("In 1271, the Mongols") == [
        DateMention("1271", 3, 7, "1271", 1271, "year", None)
    ]
    assert find_dates("in 647 to rule") == [DateMention("647", 3, 6, "0647", 647, "year", None)]
    assert find_dates("between 1991 and 2011") == [
        DateMention("between 1991 and 2011", 0, 21, "1991", 1991, "year", "2011")
    ]
    assert find_dates("the late 1980s") == [
        DateMention("late 1980s", 4, 14, "1980", 1980, "decade", "1989")
    ]
    assert find_dates("In 1989 and 1990") == [
        DateMention("1989", 3, 7, "1989", 1989, "year", None),
        DateMention("1990", 12, 16, "1990", 1990, "year", None),
    ]


CELLS = [
    ("July 1944", DateMention("July 1944", 0, 9, "1944-07", 1944, "month", None)),
    (
        "January 22 – 24, 1991",
        DateMention("January 22 – 24, 1991", 0, 21, "1991-01-22", 1991, "day", "1991-01-24"),
    ),
    (
        "July 30 – August 2, 2019",
        DateMention("July 30 – August 2, 2019", 0, 24, "2019-07-30", 2019, "day", "2019-08-02"),
    ),
    ("November 21, 2005", DateMention("November 21, 2005", 0, 17, "2005-11-21", 2005, "day", None)),
    (" 1987 ", DateMention("1987", 1, 5, "1987", 1987, "year", None)),
    ("the 1990s", DateMention("1990s", 4, 9, "1990", 1990, "decade", "1999")),
    ("Henry A. Wallace", None),
    ("Washington, D.C.", None),
    ("1987 (established)", None),
    ("1989 and 1990", None),
    ("1,444", None),
    ("", None),
]


@pytest.mark.parametrize("cell, expected", CELLS)
def test_parse_date(cell, expected):
    assert parse_date(cell) == expected


def check_invariants(text, mentions):
    previous_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end  # in order, no overlaps
        previous_end = m.end
        assert 100 <= m.year <= 2100
        assert m.date.startswith(f"{m.year:04d}")
        assert m.precision in PRECISIONS
        assert m.end_date is None or m.end_date > m.date


# A four-digit number standing alone: not inside a word, a decimal or a grouped number.
FOUR_DIGITS = re.compile(r"(?<![\w.,$])\d{4}(?![\d%]|[.,]\d)")
UNIT_AFTER = re.compile(r"[\s-]*(?:km|years?|people|troops|million|billion|tonnes?|%)\b")


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name)
def test_no_year_missed_in_seeds(seed):
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines
    for line in lines:
        mentions = find_dates(line)
        check_invariants(line, mentions)
        for number in FOUR_DIGITS.finditer(line):
            if not 1000 <= int(number[0]) <= 2100 or UNIT_AFTER.match(line, number.end()):
                continue
            assert any(m.start <= number.start() and number.end() <= m.end for m in mentions), (
                f"{number[0]} missed in: {line}"
            )


def test_seed_dates_total():
    # Every mention across the seeds, as a guard against silent regressions.
    mentions = [
        m
        for seed in sorted(SEEDS.glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()
        for m in find_dates(line)
    ]
    assert len(mentions) == 161
    assert len([m for m in mentions if m.end_date]) == 24  # ranges and periods
    assert {m.precision for m in mentions} == PRECISIONS
    assert min(m.year for m in mentions) == 647
    assert max(m.year for m in mentions) == 2030


# Strings built from the pieces dates are made of, to hunt for crashes and bad spans.
DATE_ISH = st.lists(
    st.sampled_from(
        ["1", "9", "0", "2", "4", "7", " ", "-", "–", ",", ".", "s", "th", "May", "July ", "in ",
         "between ", " and ", " to ", "the ", "early ", "century", "$", "%", "km", "BC", "AD ",
         "summer ", "ſpring ", "first ", "fırst ", "İ"]
    ),
    max_size=15,
).map("".join)  # fmt: skip


@given(st.one_of(st.text(), DATE_ISH))
def test_invariants_hold_for_any_text(text):
    check_invariants(text, find_dates(text))


@pytest.mark.parametrize(
    "text, found",
    [("ſpring 2000", [("2000", "year")]), ("the fırst century", []), ("the fİrst century", [])],
)
def test_words_that_match_only_by_case_folding_are_no_dates(text, found):
    """Python's re folds ſ to s and ı, İ to i; the words they spell are not ours."""
    assert [(m.text, m.precision) for m in find_dates(text)] == found
