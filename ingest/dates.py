"""Find and normalise the dates in English prose.

``find_dates`` returns every temporal expression in a sentence or paragraph
("October 16, 1949", "the late 1980s", "17th to 18th century", "2009–14") as a
``DateMention``; ``parse_date`` reads a whole table cell ("January 22 – 24, 1991").

Dates are 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', years zero-padded to four digits so
that they sort as text and SQLite's date functions accept them. A period is
stored as its first and last unit at the mention's precision: "the 1990s" is
1990..1999, "summer of 2008" is 2008-06..2008-08, "the 19th century" 1800..1899.
Modifiers are kept in the matched text ("late 1980s") but do not narrow the period.

Bare numbers are read conservatively. A four-digit number from 1000 to 2100 is a
year unless it is money, part of a bigger number or a quantity ("1500 km"); a
three-digit number is a year only after a word such as "in" or "since" and only
when no noun follows it ("in 647 to rule", not "in 200 years"). Years BC are
never matched, and every year lies in 100..2100.
"""

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from dateutil.relativedelta import relativedelta

from .document import before_spaces

__all__ = ["DateMention", "find_dates", "parse_date"]


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str  # the matched text, exactly as in the input
    start: int  # char offsets into the input string
    end: int
    date: str  # 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (start of the period)
    year: int  # the start year
    precision: str  # 'day', 'month', 'year', 'decade', 'century'
    end_date: str | None  # end of a range/period, same format; None for a single point


# --- Regex building blocks -------------------------------------------------------------

# English month names from the stdlib, plus abbreviations that may end in a full stop
# ("Sept. 1992"). Case-sensitive, so the verb "may" is never a month.
_MONTH_NUMBERS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTH_NUMBERS |= {abbr.lower(): n for n, abbr in enumerate(calendar.month_abbr) if abbr}
_MONTH_NUMBERS["sept"] = 9
_MONTH_NAME = (
    "|".join(calendar.month_name[1:]) + "|(?:Sept|" + "|".join(calendar.month_abbr[1:]) + r")\.?"
)

# Range dash: en dash or hyphen, with or without spaces ("1922–1930", "July 14 – 21").
_DASH = r"\s*[–-]\s*"

# "early 1990s", "mid-1990s", "late 1980s": kept in the text, not used to narrow the period.
_MODIFIER_WORDS = ("early", "mid", "late")
_MODIFIER = r"\b(?i:" + "|".join(_MODIFIER_WORDS) + r")[-\s]+"
_MODIFIER_BEFORE = re.compile(_MODIFIER + "$")

# Words that make the number before them a quantity, never a year:
# "25 years", "20-year lifetime", "19.5 km", "1500 tonnes", "120 million".
_UNITS = (
    r"years?|yrs?|months?|weeks?|days?|hours?"
    r"|km2?|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|ft|sq|square|hectares?"
    r"|kg|kilograms?|tonnes?|tons?|[kMG]Wh?"
    r"|thousand|million|billion|trillion|mln|bn|percent|per\s+cent"
    r"|USD|MNT|dollars?|tugriks?|yuan|ro?ubles?|euros?"
)

# Count nouns: "1500 troops" is a number, but "in 2019 students protested" is a year,
# so these only count when no temporal preposition comes before the number.
_COUNTED = re.compile(
    r"\s+(?i:people|persons?|inhabitants|residents|troops|soldiers|students|volunteers|members"
    r"|delegates|workers|households|families|children|men|women|horses|sheep|cattle|goats"
    r"|camels|animals|pieces|copies|cases|deaths|times|units|votes)\b"
)
_CUE_BEFORE = re.compile(r"\b(?i:in|since|by|until|till|after|before|from|around|during)\s+$")

# Not money ("US$1998"), not inside a word or code ("A1998"), not "12,1998" or "3.1998".
_NOT_IN_NUMBER = r"(?<![\w$€£¥])(?<!\d[.,])"

# Not followed by more of the number ("1998.5", "1998,000", "1990s"), %, a unit or BC.
_NOT_QUANTITY = rf"(?![\w%]|[.,]\d|\s*%|[\s-]*(?i:{_UNITS})\b|\s*(?:BCE?\b|B\.C\.))"


def _year(name):
    """A four-digit year 1000..2100 standing on its own, captured as group `name`."""
    return rf"{_NOT_IN_NUMBER}(?P<{name}>1\d{{3}}|20\d\d|2100){_NOT_QUANTITY}"


def _day(name):
    """A day of the month, optionally ordinal ("16", "16th"), captured as group `name`."""
    return rf"(?P<{name}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"


def _month(name):
    return rf"\b(?P<{name}>{_MONTH_NAME})"


# What may follow a three-digit year: punctuation, an era, or a function word; never a
# noun ("in 200 years") nor another number ("around 300 to 400 soldiers").
_SHORT_YEAR_END = (
    r"(?=\s*(?:[,;:.)\]](?!\d)|$)"
    r"|\s+(?:AD\b|CE\b|(?i:to|and|or)\b(?!\s+\d)"
    r"|(?i:the|a|an|when|as|with|under|in|on|at|by|during|after|before|until|while|but"
    r"|he|she|it|they|his|her|its|their|this|which|who|was|were|had)\b))"
)

# Words that make a three-digit number a year: "in 647", "c. 647", "AD 647" (the era is
# kept in the text, the preposition is not).
_SHORT_YEAR_CUES = (
    "in", "since", "after", "before", "until", "till", "around", "by", "from", "circa", "ca.",
    "c.", "year",
)  # fmt: skip
_SHORT_YEAR_CUE = r"(?:\b(?i:" + "|".join(map(re.escape, _SHORT_YEAR_CUES)) + r")\s+|(?=\bAD\s))"

# Spelled-out centuries ("the nineteenth century"), position = number - 1.
_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty-first",
)  # fmt: skip
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|(?i:" + "|".join(reversed(_ORDINAL_WORDS)) + "))"

_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


# --- Turning a match into a DateMention ------------------------------------------------


_ISO_FORMATS = {1: "%04d", 2: "%04d-%02d", 3: "%04d-%02d-%02d"}


def _iso(parts):
    return _ISO_FORMATS[len(parts)] % parts


def _span(match):
    """What a match's mention covers: group "text" when the pattern has one, else all of it."""
    return match.span("text") if "text" in match.re.groupindex else match.span()


def _mention(match, precision, first, last=None):
    """A DateMention from (year[, month[, day]]) tuples, or None if it cannot be a date."""
    start, end = _span(match)
    if not 100 <= first[0] <= 2100 or (last and not first < last <= (2100,)):
        return None
    try:
        for parts in (first, last or first):
            if len(parts) == 3:
                date(*parts)  # rejects February 30
    except ValueError:
        return None
    return DateMention(
        match.string[start:end],
        start,
        end,
        _iso(first),
        first[0],
        precision,
        _iso(last) if last else None,
    )


def _month_number(name):
    return _MONTH_NUMBERS[name.rstrip(".").lower()]


def _century_number(ordinal):
    """1 for "first" or "1st"; None for a word that only matched by case folding ("fırst")."""
    if ordinal[0].isdigit():
        return int(ordinal[:-2])
    word = ordinal.lower()
    return _ORDINAL_WORDS.index(word) + 1 if word in _ORDINAL_WORDS else None


def _build_iso_day(m):
    return _mention(m, "day", (int(m["y"]), int(m["m"]), int(m["d"])))


def _build_day(m):
    return _mention(m, "day", (int(m["y"]), _month_number(m["m"]), int(m["d"])))


def _build_day_range(m):
    # One month may be left out: "January 22 – 24, 1991", "22–24 January 1992".
    year = int(m["y"])
    first = _month_number(m["m1"] or m["m2"])
    last = _month_number(m["m2"] or m["m1"])
    return _mention(m, "day", (year, first, int(m["d1"])), (year, last, int(m["d2"])))


def _build_month(m):
    return _mention(m, "month", (int(m["y"]), _month_number(m["m"])))


def _build_month_range(m):
    year, first, last = int(m["y"]), _month_number(m["m1"]), _month_number(m["m2"])
    # "December–February 2021" starts in the year before.
    return _mention(m, "month", (year - (first > last), first), (year, last))


def _build_season(m):
    month = _SEASON_START.get(m["season"].lower())
    if month is None:  # matched only by case folding: "ſpring" is no season
        return None
    first = date(int(m["y"]), month, 1)
    last = first + relativedelta(months=2)  # winter runs into the next year
    return _mention(m, "month", (first.year, first.month), (last.year, last.month))


def _build_years(m):
    """A year, or a range whose end may be abbreviated ("2009–14", "618–20")."""
    text = m.string
    if _COUNTED.match(text, m.end()) and not _CUE_BEFORE.search(text, 0, m.start()):
        return None
    first, end = int(m["y"]), m["y2"] if "y2" in m.re.groupindex else None
    if not end:
        return _mention(m, "year", (first,))
    last = int(end)
    if len(end) < len(m["y"]):
        scale = 10 ** len(end)
        last += first - first % scale
    return _mention(m, "year", (first,), (last,))


def _build_decade(m):
    first = int(m["y"])
    if first % 100 == 0 and first < 2000:
        # "the 1800s" means the century; "the 2000s" is usually the decade.
        return _mention(m, "century", (first,), (first + 99,))
    return _mention(m, "decade", (first,), (first + 9,))


def _build_century(m):
    first = _century_number(m["c1"])
    last = _century_number(m["c2"]) if m["c2"] else first
    if first is None or last is None:
        return None
    return _mention(m, "century", ((first - 1) * 100,), (last * 100 - 1,))


# Each pattern with the function that turns its match into a mention, and where its
# matches can start (see _starts). Where patterns overlap, the leftmost and then the
# longest match wins ("October 1949" beats "1949").
_PATTERNS = [
    # ISO dates, as in sortable table cells: "1991-01-22".
    (
        re.compile(r"(?<![\w-])(?P<y>1\d{3}|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w-])"),
        _build_iso_day,
        "year before dash",
    ),
    # "January 22 – 24, 1991", "July 30 – August 2, 2019".
    (
        re.compile(
            rf"{_month('m1')}\s+{_day('d1')}{_DASH}(?:{_month('m2')}\s+)?{_day('d2')},?\s+"
            + _year("y")
        ),
        _build_day_range,
        "month",
    ),
    # "22–24 January 1992", "30 July – 2 August 2019".
    (
        re.compile(
            rf"(?<![\w.,]){_day('d1')}(?:\s+{_month('m1')})?{_DASH}{_day('d2')}\s+"
            rf"{_month('m2')},?\s+{_year('y')}"
        ),
        _build_day_range,
        "day",
    ),
    # "October 16, 1949", "June 16th 2011".
    (re.compile(rf"{_month('m')}\s+{_day('d')},?\s+{_year('y')}"), _build_day, "month"),
    # "16 October 1949", "on 1 April 1921".
    (
        re.compile(rf"(?<![\w.,$]){_day('d')}\s+{_month('m')},?\s+{_year('y')}"),
        _build_day,
        "day",
    ),
    # "May–June 2020".
    (
        re.compile(rf"{_month('m1')}{_DASH}{_month('m2')},?\s+{_year('y')}"),
        _build_month_range,
        "month",
    ),
    # "September 1992", "May of 1990".
    (re.compile(rf"{_month('m')},?(?:\s+of)?\s+{_year('y')}"), _build_month, "month"),
    # "summer of 2008", "spring 2010".
    (
        re.compile(rf"\b(?P<season>(?i:{'|'.join(_SEASON_START)}))(?:\s+of)?\s+{_year('y')}"),
        _build_season,
        "season",
    ),
    # "19th century", "early 20th century", "17th to 18th century", "19th-century".
    (
        re.compile(
            rf"(?:{_MODIFIER})?\b(?P<c1>{_ORDINAL})"
            rf"(?:(?:{_DASH}|\s+(?i:to|and|through)\s+)(?:{_MODIFIER})?(?P<c2>{_ORDINAL}))?"
            r"[-\s]+(?i:century|centuries)\b(?!\s*(?:BCE?\b|B\.C\.))"
        ),
        _build_century,
        "century",
    ),
    # "the 1990s", "late 1980s", "mid-1990s", "the 1990's".
    (re.compile(rf"{_NOT_IN_NUMBER}(?P<y>1\d\d0|20\d0)['’]?s\b"), _build_decade, "decade"),
    # "2009–14": a range with an abbreviated end.
    (
        re.compile(rf"{_year('y')}{_DASH}(?P<y2>\d\d){_NOT_QUANTITY}"),
        _build_years,
        "year before dash",
    ),
    # "1962", "early 1990". Full ranges ("1922–1930") are joined afterwards.
    (re.compile(_year("y")), _build_years, "year"),
    # Three-digit years after a cue: "in 647 to rule", "from 618 to 907", "c. 650".
    (
        re.compile(
            rf"{_SHORT_YEAR_CUE}(?P<text>(?:AD\s+)?(?P<y>[1-9]\d\d)"
            rf"(?:(?:{_DASH}|\s+to\s+)(?P<y2>[1-9]\d{{1,3}}))?(?:\s+(?:AD|CE)\b)?)"
            + _SHORT_YEAR_END
        ),
        _build_years,
        "cue",
    ),
    # An era is cue enough: "647 AD", "1206 CE".
    (
        re.compile(rf"{_NOT_IN_NUMBER}(?P<y>[1-9]\d{{2,3}})\s+(?:AD|CE)\b"),
        _build_years,
        "era",
    ),
    # A dynasty's dates in brackets: "Tang dynasty (618–907)".
    (
        re.compile(r"\((?P<text>(?P<y>[1-9]\d{2,3})[–-](?P<y2>[1-9]\d{1,3}))\)"),
        _build_years,
        "bracket",
    ),
]


# --- Where matches can start -----------------------------------------------------------

# Letting every pattern scan the whole text costs far more than finding the few places
# where a match can start and trying the patterns only there (see _starts).

# A number that may start a match: the patterns' numbers all start with an ASCII digit.
# Starting with [0-9] lets the regex engine skip ahead to the next digit.
_NUMBER = re.compile(r"[0-9]\d*")
# Every month name and abbreviation starts with one of these.
_MONTH_START = re.compile("|".join(calendar.month_abbr[1:]))
# A cue, or the "AD" that may start the match itself, ends right before a short year.
_CUE_LENGTHS = {len(cue) for cue in _SHORT_YEAR_CUES} | {len("AD")}
_SEASON_LENGTHS = {len(season) for season in _SEASON_START}
# ISO dates ("1991-01-22") and abbreviated ranges ("2009–14") have a dash after the year.
_DASH_AFTER = re.compile(_DASH)
# The century pattern starts with a modifier or an ordinal: a word that starts with a
# digit or with one of their first letters, in either case (IGNORECASE: "ſ" is an "s").
_CENTURY_START = re.compile(
    r"\b[\d" + "".join(sorted({word[0] for word in _MODIFIER_WORDS + _ORDINAL_WORDS})) + "]",
    re.IGNORECASE,
)


def _words_before(text, number_start, lengths, joiner):
    """(start, end) of where a word of one of `lengths` would be if it ended right before
    the number, with only whitespace, or whitespace and `joiner`, between ("summer of 2008")."""
    ends = [before_spaces(text, number_start)]
    if text.endswith(joiner, 0, ends[0]):
        ends.append(before_spaces(text, ends[0] - len(joiner)))
    return [(end - length, end) for end in ends for length in lengths if end >= length]


def _starts(text):
    """For each kind of pattern (see _PATTERNS), the offsets its matches can start at.

    Every pattern but the century one holds a number that stands on its own (the
    patterns' lookbehinds reject a digit or letter before it): a four-digit year
    starting with 1 or 2, a day of one or two digits, or a year of three or four
    digits after "(" or before an era. A month name, a season or a cue starts the
    other patterns, before such a number. What follows a year narrows the patterns
    that can start with it: a dash for ISO dates and abbreviated ranges, s or an
    apostrophe for decades. The century pattern starts at a word (see _CENTURY_START).
    """
    years, years_before_dash, decades = [], [], []
    days, short_years, eras, brackets = [], [], [], []
    for number in _NUMBER.finditer(text):
        start, end = number.span()
        length = end - start
        if length == 4 and text[start] in "12":
            years.append(start)
            if _DASH_AFTER.match(text, end):
                years_before_dash.append(start)
            elif text[end : end + 1] in ("s", "'", "’"):  # "1990s", "1990's"
                decades.append(start)
        elif length <= 2:
            days.append(start)
        if length in (3, 4) and text[start] != "0":
            eras.append(start)
            if text[start - 1 : start] == "(":
                brackets.append(start - 1)
            if length == 3:
                short_years.append(start)
    # Every pattern with a month name also holds a four-digit year.
    months = [match.start() for match in _MONTH_START.finditer(text)] if years else []
    # A match whose word is no season once lower-cased builds no mention ("ſpring 1990").
    seasons = {
        start
        for year in years
        for start, end in _words_before(text, year, _SEASON_LENGTHS, "of")
        if text[start:end].lower() in _SEASON_START
    }
    cues = {
        start for year in short_years for start, _ in _words_before(text, year, _CUE_LENGTHS, "AD")
    }
    return {
        "year": years,
        "year before dash": years_before_dash,
        "decade": decades,
        "month": months,
        "day": days if months else [],
        "season": sorted(seasons),
        # "entur": century, Century, centuries
        "century": [m.start() for m in _CENTURY_START.finditer(text)] if "entur" in text else [],
        "cue": sorted(cues),
        "era": eras if "AD" in text or "CE" in text else [],
        "bracket": brackets,
    }


def _matches(pattern, text, starts):
    """What pattern.finditer(text) finds, trying only `starts` (in order) as match starts."""
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)):
            end = match.end()
            yield match


# --- Joining mentions into ranges ------------------------------------------------------

# Between two mentions of the same precision, these make a range: "1991–2011",
# "1991 to 2011", "1991 through 2011", "the 1960s to 1970s".
_RANGE_GAP = re.compile(r"\s*[–-]\s*|\s+(?i:to|through|until|till)\s+")
# "between 1991 and 2011" is a range, but "in 1989 and 1990" is two years.
_AND_GAP = re.compile(r"\s+(?i:and)\s+")
_BETWEEN_BEFORE = re.compile(r"\b(?i:between)\s+(?:(?i:the)\s+)?$")


def _range_start(text, left, right):
    """Where the range "left ... right" starts, or None if they are separate mentions."""
    if left.precision != right.precision or right.date <= left.date:
        return None
    gap = text[left.end : right.start]
    if _RANGE_GAP.fullmatch(gap):
        return left.start
    between = _BETWEEN_BEFORE.search(text, 0, left.start)
    if between and _AND_GAP.fullmatch(gap):
        return between.start()
    return None


def _join_ranges(text, mentions):
    joined = []
    for right in mentions:
        left = joined[-1] if joined else None
        start = _range_start(text, left, right) if left else None
        if start is None:
            joined.append(right)
        else:
            joined[-1] = replace(
                left,
                text=text[start : right.end],
                start=start,
                end=right.end,
                end_date=right.end_date or right.date,
            )
    return joined


# --- Public API ------------------------------------------------------------------------


def find_dates(text: str) -> list[DateMention]:
    """Every date in `text`, in order of appearance and without overlaps."""
    starts = _starts(text)
    # Leftmost first, then longest, then the earlier pattern (a pattern's own matches
    # never start at the same offset).
    candidates = sorted(
        (start, -end, order, match)
        for order, (pattern, _, kind) in enumerate(_PATTERNS)
        if starts[kind]
        for match in _matches(pattern, text, starts[kind])
        for start, end in [_span(match)]
    )
    chosen = []
    for start, _, order, match in candidates:
        # Built only here: most matches lose to a longer one ("1949" in "October 16, 1949").
        if chosen and start < chosen[-1].end:
            continue
        if (mention := _PATTERNS[order][1](match)) is not None:
            chosen.append(_with_modifier(text, mention))
    return _join_ranges(text, chosen)


def _with_modifier(text, mention):
    """Take in an "early", "mid" or "late" just before the mention ("late 1980s").

    Looked for here rather than as an optional prefix of the patterns, which
    would make the regex engine try a match at every position of the text.
    """
    if mention.precision in ("day", "month"):
        return mention
    modifier = _MODIFIER_BEFORE.search(text, max(0, mention.start - 8), mention.start)
    if not modifier:
        return mention
    return replace(mention, text=text[modifier.start() : mention.end], start=modifier.start())


# A cell may put "the" before its date: "the 1990s".
_CELL_PREFIX = re.compile(r"\s*(?:(?i:the)\s+)?")


def parse_date(text: str) -> DateMention | None:
    """The date filling a whole table cell ("July 1944", "January 22 – 24, 1991"), or None."""
    mentions = find_dates(text)
    if len(mentions) != 1:
        return None
    (mention,) = mentions
    if _CELL_PREFIX.fullmatch(text, 0, mention.start) and not text[mention.end :].strip():
        return mention
    return None
