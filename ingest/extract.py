"""Facts from a Document: country mentions, dated events, visits, amounts, envoys.

Plain functions over plain data. Each returns dicts keyed like the schema's
columns, without ids; writer.py assigns ids and links rows together.

Event types come from the ordered rules in EVENT_TYPES: the first rule whose
pattern matches the clause of the date wins, 'other' when none does.
"""

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from .dates import find_dates, parse_date
from .document import Paragraph, Table

MONGOLIA = "MNG"

# Abbreviations and initials that end in a full stop without ending a sentence.
ABBREVIATIONS = (
    "U.S", "U.K", "D.C", "Jr", "Sr", "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Col", "Lt", "No",
    "vs", "etc", "e.g", "i.e", "approx", "c",
)  # fmt: skip
NOT_SENTENCE_END = re.compile(
    r"(?:\b(?:" + "|".join(map(re.escape, ABBREVIATIONS)) + r")|\b[A-Z])\.$"
)
LONGEST_NOT_SENTENCE_END = max(map(len, ABBREVIATIONS)) + len(".")
# Titles, and initials, that a name follows ("Dr. He Yafei", "Gen. An Thanh"): they end
# no sentence, even before a word that could open one.
BEFORE_A_NAME = {f"{title}." for title in ("Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Col", "Lt")} | {
    f"{letter}." for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}
# Words that open a sentence and seldom follow an abbreviation inside one: after one of
# these, "U.S." or "D.C." ends its sentence ("traveling to the U.S. In September 2007").
SENTENCE_OPENER = re.compile(
    r"[\"“(]?(?:In|On|At|By|From|During|After|Before|Since|Following|When|While|As|However"
    r"|Later|Then|The|This|These|Those|That|It|Its|He|She|His|Her|They|Their|We|A|An)\b"
)
# A sentence's end mark, then the gap before the next one. Starting with the mark (not
# a lookbehind for it) lets the regex engine skip straight from one mark to the next.
SENTENCE_BREAK = re.compile(r"[.!?…][\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")

# Ordered: the first type whose words the clause contains wins, 'other' if none.
# Each word is a regex that starts with letters (see literal_start).
EVENT_TYPES = {
    "establishment": [
        r"establish\w*\b[^.]*\brelations",
        r"formali[sz]\w*\b[^.]*\brelations",
        r"relations\b[^.]*\b(?:established|formali[sz]ed)",
        r"recogni[sz]\w* (?:and established )?(?:official|diplomatic)",
    ],
    "treaty": [
        r"treat(?:y|ies)", r"agreements?", r"accords?", r"convention", r"protocol",
        r"compact", r"signed", r"ratified",
    ],
    "visit": [
        r"visit\w*", r"met", r"meeting", r"summit", r"delegation", r"trip", r"credentials",
    ],
    # Before aid and trade: "the International Security Assistance Force", military aid.
    "military": [
        r"military", r"defen[cs]e", r"exercises?", r"peacekeeping", r"troops", r"armed forces",
        r"NATO", r"coalition",
    ],
    "aid": [
        r"aid", r"assistance", r"grants?", r"donat\w+", r"humanitarian", r"USAID", r"Peace Corps",
    ],
    "trade": [
        r"trad(?:e|ing)", r"exports?", r"imports?", r"invest\w*", r"econom\w+", r"railway",
        r"mining", r"coal", r"satellite",
    ],
    "conflict": [
        r"wars?", r"inva\w+", r"attacks?", r"raids?", r"conquer\w*", r"overthr\w+",
        r"defeat\w*", r"driven out", r"annex\w*", r"revolution",
    ],
}  # fmt: skip


def literal_start(word):
    """The lower-case text every match of `word` starts with: "agreements?" -> "agreement".

    A word that is an alternation ("truce|ceasefire") has no such text: it is refused,
    since the check on "truce" alone would keep every sentence with "ceasefire" from
    the regex. Each alternative goes in the list as a word of its own. Nor is a word
    that starts with no fixed letters ("(?:soft )?loans?"): every sentence would have
    to go through the regex.
    """
    depth = 0
    for char in re.sub(r"\\.", "", word):  # escaped characters are literals
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            raise ValueError(f"event type word {word!r}: give each alternative as a word")
    letters = re.match(r"[A-Za-z ]*", word).group()
    if word[len(letters) : len(letters) + 1] in ("?", "*", "{"):
        letters = letters[:-1]  # the last letter is optional
    if not letters.strip():
        raise ValueError(f"event type word {word!r}: start it with letters, like 'loans?'")
    return letters.lower()


# Each type with its pattern and, lower-cased, the texts one of which every sentence of
# that type holds (see holds_any).
EVENT_TYPE_PATTERNS = [
    (
        name,
        re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE),
        tuple(dict.fromkeys(literal_start(word) for word in words)),
    )
    for name, words in EVENT_TYPES.items()
]
# A war named as the time of what a sentence tells ("During the Cold War, relations were
# determined by ...", "After World War II", "the post-Cold War era") makes it no conflict:
# taken out before typing. A war the sentence tells of ("fought in World War II") stays.
PERIOD_NAMES = re.compile(
    r"\b(?:(?:during|after|before|since|until|following|by|at)\s+(?:the\s+end\s+of\s+)?"
    r"(?:the\s+)?|post-)(?:Cold War|(?:First|Second) World War|World War (?:I|II|One|Two))\b",
    re.IGNORECASE,
)
# Letters that IGNORECASE matches to an ASCII letter but str.lower() leaves apart
# ("ı" matches "i"): with one of them in the sentence, only the regex can tell.
CASE_TRAPS = re.compile("[İıſ]")

# Where a sentence breaks into clauses. In a sentence with several dates each date
# takes the type of its own clause: "established relations on October 16, 1949, and
# signed a border treaty in 1962" holds an establishment and a treaty.
CLAUSE_BREAK = re.compile(
    r",\s+(?:and|but|while|whereas|with)\s+|;\s+"
    # "and" before a verb in the past: "... Iraq in 2003 and has contributed to ... in
    # Kosovo from 2005", "... in 1271 and conquered all of China in 1279". Not before a
    # noun: "traveling to China and Japan, Joe Biden made the first visit since 1944".
    r"|\s+and\s+(?=(?:(?:has|have|had|was|were)\s+)?[a-z]+ed\b)"
)
# Between two dates of a clause, "and" before an article starts another phrase with a
# place of its own: "operations in Kosovo from 2005–2007 and the International Security
# Assistance Force in Afghanistan from 2009-2014". Its date takes the phrase's countries,
# not its type: the phrase goes on with the clause's verb.
PHRASE_BREAK = re.compile(r"\s+and\s+(?:the|a|an)\s+")
# The sentence's first verb: the countries named before it are its subject, who acts in
# every phrase ("Mongolia established relations with Japan in 1972 and the United States
# in 1987": 1987 is Mongolia's and the United States').
FIRST_VERB = re.compile(r"\b(?:has|have|had|is|are|was|were|will|[a-z]{2,}ed)\b")
# A clause that opens with one of these and names no type of its own goes on from its
# neighbour: "on 22 January 1992, and with Kyrgyzstan in 1993"; "In 1990, and again in
# 1991, Japan gave aid".
CONTINUATION = re.compile(
    r"(?:again|also|then|later|with|in|on|at|to|from|by|since|until|during)\b", re.IGNORECASE
)

# A trip to elsewhere, on the way to what the sentence tells: its countries take no part
# in the sentence's events ("In August 2011, on a side trip while traveling to China and
# Japan, Joe Biden made the first visit by a sitting vice president to Mongolia"). They
# are still mentions of the paragraph.
TRANSIT = re.compile(
    r"\b(?:while travell?ing|on (?:his|her|their|its|the|a) way|en route) to\b[^,;]*"
)
TRANSIT_WORDS = ("travel", "way to", "route to")

# Words by which a clause refers to a country it does not name (see sentence_events).
PRONOUN = re.compile(r"\b(?:it|its|they|them|their|both|the two)\b", re.IGNORECASE)

# Money: a currency sign or code with a number and an optional scale word.
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
CURRENCY_SIGNS = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₮": "MNT"}
CURRENCY_WORDS = {
    "USD": "USD", "US dollars": "USD", "dollars": "USD", "MNT": "MNT", "tugriks": "MNT",
    "tögrög": "MNT", "yuan": "CNY", "CNY": "CNY", "rubles": "RUB", "roubles": "RUB", "euros": "EUR",
}  # fmt: skip
BARE_SCALES = ("million", "billion")  # enough without a currency once the sentence has one
NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion)\b)?"
AMOUNT = re.compile(
    r"(?P<sign>US\$|\$|€|£|¥|₮)\s?" + NUMBER + SCALE
    + r"|" + NUMBER.replace("number", "number2") + SCALE.replace("scale", "scale2")
    + r"\s+(?P<word>" + "|".join(map(re.escape, CURRENCY_WORDS)) + r")\b"
    + r"|" + NUMBER.replace("number", "bare") + r"\s+(?P<bare_scale>" + "|".join(BARE_SCALES) + r")\b(?!\s+(?!(?:and|or|in|from|by|to|with|for)\b)[a-z])"
)  # fmt: skip

# Between an amount and the date it is of: "$60 million in 2011", "by 2007".
DATE_AFTER_AMOUNT = re.compile(r"\s+(?:in|by|for|during|as of)\s+")
# Between a total and its parts: "$175 million, with exports of ...", "of which",
# "including", "(exports ...", "$175 million: exports ...".
BREAKDOWN_CUE = re.compile(r"\b(?:with|of which|including|comprising|consisting of)\b|[(:]")
# Every amount holds one of these.
AMOUNT_WORDS = (*CURRENCY_SIGNS, *CURRENCY_WORDS, *BARE_SCALES)

VISIT_TABLE_COLUMNS = {"date", "person"}
# The United States' cabinet secretaries, styled by their department: "Agriculture Secretary".
US_DEPARTMENTS = (
    "Agriculture", "Commerce", "Education", "Energy", "Interior", "Labor", "Transportation",
    "Treasury",
)  # fmt: skip
OFFICES = (
    r"(?:Vice |Deputy )?President|Prime Minister|Premier|(?:Deputy )?Secretary of State"
    r"|Minister of Foreign Affairs(?: of \w+)?|Foreign Minister|(?:Defense|Defence) (?:Secretary|Minister)"
    r"|General Secretary|Speaker of the House of Representatives|Speaker|Chairman|King|Queen"
    rf"|(?:{'|'.join(US_DEPARTMENTS)}) Secretary"
)
# Offices that name their country without saying it, in an article on relations with that
# country: "Defense Secretary Donald Rumsfeld visited in October 2005" in the US article.
OFFICE_COUNTRIES = {
    "Secretary of State": "USA",
    "Deputy Secretary of State": "USA",
    "Defense Secretary": "USA",
    "Speaker of the House of Representatives": "USA",
    **{f"{department} Secretary": "USA" for department in US_DEPARTMENTS},
}
# Every office in OFFICES holds one of these words.
OFFICE_WORDS = (
    "President", "Minister", "Premier", "Secretary", "Speaker", "Chairman", "King", "Queen",
)  # fmt: skip
NAME = r"(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’-]+"
VISIT_SENTENCE = re.compile(
    r"(?:(?!Deputy|Vice)(?P<adjective>[A-Z][\w.]+)\s+)?(?:then-)?(?P<office>"
    + OFFICES
    + r")\s+(?P<person>"
    + NAME
    + r")"
    # "Prime Minister Shinzo Abe of Japan visited ...": the visitor's country.
    + r"(?:,?\s+of\s+(?:the\s+)?(?P<country>"
    + NAME
    + r"),?)?"
    # "visited" may leave the place unsaid when a date or the clause's end follows
    # ("visited in October 2005"), not when an uncapitalised place does ("visited the
    # United States"); the other verbs need a place ("came to power" is no visit).
    # "X, during a meeting ..., while on a state visit to Y": a visit a few words on is
    # the same person's, unless the gap holds a clause of its own ("who hosted ...") or
    # the visit is someone's ("his state visit").
    r"(?:\s+visited(?=\s+[A-Z]|\s+(?:in|on|during)\s+[A-Z0-9]|\s*[.,;]|\s*$)"
    # "led a presidential delegation in July 2006", "led a delegation to Beijing".
    # Without a place only when a date follows at once: "led a delegation, which met ..."
    # or "led a delegation on Mongolia's behalf at the summit" tell of no visit.
    r"|\s+led an? (?:[a-z][\w-]* )?delegation"
    r"(?: to(?=\s+[A-Z])|(?=\s+(?:in|on|during)\s+(?:(?:early|mid|late)\s+)?(?:[A-Z][a-z]+\s+)?\d))"
    r"|(?:\s+paid (?:his|her|a|an) (?:first )?(?:official |state )?visit to"
    r"|\s+came to|\s+travell?ed to"
    r"|,?(?:(?!\b(?:who|whom|which)\b)[^.;]){0,80}?\b(?:on|during) (?:a|an)"
    r" (?:first )?(?:official |state )?visit to)"
    r"(?=\s+[A-Z]))"
    r"(?:\s+(?P<place>[A-Z][\w.-]+(?:,? [A-Z][\w.-]+)*))?"
    r"|(?:first )?(?:official |state )?visit of (?:(?P<adjective2>[A-Z][\w.]+)\s+)?(?P<office2>"
    + OFFICES
    + r")"
    r"\s+(?P<person2>" + NAME + r") to (?P<place2>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*)"
)
OFFICE = re.compile(rf"(?:{OFFICES})\s+")
# A visit told of the sentence's subject by "his" or "her": "Nazarbayev was awarded the
# Order of ... during his official visit to Mongolia in the summer of 2008". The subject,
# maybe after an office, opens the sentence, and is someone a visit told before in the
# document names (sentence_visits: "Several", "Pope Francis" or an airport are no one
# known); no one else may come between ("X met President Y during his visit", "X, who
# hosted Y during his visit": whose visit?).
SUBJECT_VISIT = re.compile(
    r"(?P<person>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,3}) (?=[a-z])"
    r"(?:(?!\b(?:who|whom|which|met|hosted|received|welcomed|invited)\b"
    rf"|(?:{OFFICES})\b)[^.;])*?"
    r"\b(?:his|her) (?:first )?(?:official |state |working )?visit to"
    r" (?P<place>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*)"
)
INFOBOX_PARTY_FIELD = re.compile(
    r"(?:Diplomatic )?(?P<field>Mission|Envoytitle|Envoy)s?\s*(?P<number>\d*)", re.IGNORECASE
)
DIGIT = re.compile(r"\d")
# A visit by a group no one in is named: "a high-level Chinese delegation visited Mongolia",
# "six members of the U.S. House of Representatives visited Mongolia", "five members of the
# Mongolian Parliament traveling to the U.S.". Found by the words that end the group's name;
# the words before them that belong to it are read after (group_words).
GROUP_VISIT = re.compile(
    r"\b(?P<body>delegation|members of the [^,;]{0,60}?\b"
    r"(?:House of Representatives|Parliament|Congress|Senate|State Great Khural))"
    r"\s+(?:visited|came to|travell?(?:ed|ing) to)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*)"
)
# Where the words of a group's name end, read backwards: "when a high-level Chinese
# delegation", "In July 2007, six members of". The one it ends at says whether the group is
# new ("a") or told before ("the"); "and" or "of" between capitalised words is part of a
# name ("a Bosnia and Herzegovina delegation", "an Isle of Man delegation").
GROUP_WORDS_END = {
    "a", "an", "the", "and", "or", "when", "while", "which", "who", "that", "as", "with", "of",
    "by", "in", "on", "from", "to", "then",
}  # fmt: skip
NAME_JOINERS = ("and", "of")
MOST_GROUP_WORDS = 6
# Every match of GROUP_VISIT holds one of these: sentences without them are not tried.
GROUP_HINTS = ("delegation", "members of")
VISIT_HINT = re.compile(r"\bvisit|\bcame to\b|\btravell?(?:ed|ing) to\b|\bdelegation\b")
# Every match of VISIT_SENTENCE, GROUP_VISIT or VISIT_HINT holds one of these.
VISIT_WORDS = (
    "visit", "came to", "traveled to", "travelled to", "traveling to", "travelling to",
    "delegation",
)  # fmt: skip
ENVOY_TITLES = re.compile(
    r"^(?P<title>Ambassador|Chargé d'affaires|Consul(?:-General)?|Envoy)\s+(?P<name>.+)$"
)
MISSION = re.compile(
    r"^(?:Embassy|Consulate(?: General)?|Mission) of (?P<country>.+?)(?:,| in) (?P<city>.+)$"
    r"|^(?P<adjective>\w+) (?:Embassy|Consulate|Mission) in (?P<city2>.+)$"
)


def holds_any(text, words):
    """Whether `text` contains one of `words`: a test far cheaper than a regex, so that
    most text never reaches the regex."""
    return any(map(text.__contains__, words))  # no generator: a third less time


def sentence_spans(text):
    """(start, end) of each sentence, keeping abbreviations like U.S. and initials intact,
    unless a word that opens sentences follows them (SENTENCE_OPENER)."""
    spans, start = [], 0
    for match in SENTENCE_BREAK.finditer(text):
        end = match.start() + 1  # after the end mark
        before = text[start:end].rstrip('"”’)')
        # An abbreviation would end `before`: only its last few characters need a look.
        abbreviation = NOT_SENTENCE_END.search(
            before, max(0, len(before) - LONGEST_NOT_SENTENCE_END)
        )
        if abbreviation and (
            abbreviation.group() in BEFORE_A_NAME or not SENTENCE_OPENER.match(text, match.end())
        ):
            continue
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text.rstrip())))
    return [(start, end) for start, end in spans if end > start]


def event_type(sentence):
    lowered = sentence.lower()
    if "war" in lowered:
        sentence = PERIOD_NAMES.sub("", sentence)
        lowered = sentence.lower()
    if CASE_TRAPS.search(sentence):
        lowered = None
    for name, pattern, texts in EVENT_TYPE_PATTERNS:
        if lowered is not None and not holds_any(lowered, texts):
            continue
        if pattern.search(sentence):
            return name
    return "other"


def clause_kinds(sentence):
    """[(start, end, event type)] of the clauses of sentence (see CLAUSE_BREAK). A clause
    with no type that is a continuation (CONTINUATION) takes the type of the clause
    before it, or the first clause that of the one after it."""
    breaks = list(CLAUSE_BREAK.finditer(sentence))
    starts = [0] + [match.end() for match in breaks]
    ends = [match.start() for match in breaks] + [len(sentence)]
    kinds = [event_type(sentence[start:end]) for start, end in zip(starts, ends)]
    for i, start in enumerate(starts):
        if kinds[i] == "other" and len(kinds) > 1 and CONTINUATION.match(sentence, start):
            kinds[i] = kinds[i - 1] if i else kinds[1]
    return list(zip(starts, ends, kinds))


def analyse_paragraph(text, gazetteer):
    """Per sentence: where it starts, its text, its date mentions and its countries' codes.

    Dates are found once over the whole paragraph, then shared out; they keep their
    offsets into the paragraph. A sentence without a date reads its countries with
    the paragraph's earliest year, so 'the Republic of China' in a 1940s paragraph
    stays China.
    """
    mentions = find_dates(text)
    mention_starts = [d.start for d in mentions]  # in order, as find_dates returns them
    context_year = min((d.year for d in mentions), default=None)
    analysed = []
    for start, end in sentence_spans(text):
        dates = mentions[bisect_left(mention_starts, start) : bisect_left(mention_starts, end)]
        year = dates[0].year if dates else context_year
        sentence = text[start:end]
        analysed.append((start, sentence, dates, gazetteer.find_codes(sentence, year=year)))
    return analysed


@dataclass
class Facts:
    """What one block of a document says, as rows without ids."""

    mentions: Counter = field(default_factory=Counter)  # country code -> times named
    events: list = field(default_factory=list)  # each with "countries": [(code, implied)]
    amounts: list = field(default_factory=list)
    visits: list = field(default_factory=list)  # from prose, or one per row of a visits table


def paragraph_facts(text, parties, gazetteer, people=None):
    """Country mentions, events, amounts and visits of one paragraph.

    parties: the two countries of a bilateral article, or () for other kinds. people:
    the visitors the document has named so far (see remember_visitors), updated.
    """
    people = {} if people is None else people
    codes, events, amounts, visits = [], [], [], []
    tells_of_visit = may_tell_of_visit(text)
    for start, sentence, dates, countries in analyse_paragraph(text, gazetteer):
        codes += countries
        told = (
            sentence_visits(sentence, dates, parties, gazetteer, start, people)
            if tells_of_visit
            else []
        )
        if dates:
            found = sentence_events(sentence, dates, countries, parties, start, gazetteer)
            events += with_places_visited(found, told)
        amounts += sentence_amounts(sentence, dates, start)
        visits += told
    return Facts(Counter(codes), events, amounts, visits)


def with_places_visited(events, visits):
    """Link a visit event to the country of the place a visit of the same date went to,
    which the sentence may name by a city only ("on a state visit to Pyongyang in
    November 1986": North Korea), as a country it names."""
    for event in events:
        hosts = {
            v["host_country"]
            for v in visits
            if v["location"] and v["host_country"] and v["start_date"] == event["date"]
        }
        if event["event_type"] == "visit" and hosts:
            named = {code for code, implied in event["countries"] if not implied} | hosts
            implied = {code for code, _ in event["countries"]} - named
            event["countries"] = [(c, 0) for c in sorted(named)] + [(c, 1) for c in sorted(implied)]
    return events


def sentence_events(sentence, dates, countries, parties, offset, gazetteer):
    """One event per date of a sentence, linked to the countries it names (codes) and to
    the bilateral article's parties it leaves unnamed (implied: "X visited Mongolia in
    2004" in the United States article is an event of both).

    In a sentence of several clauses (see clause_kinds), a date takes the type and the
    countries of its own clause: "Japan gave aid in 1990, and South Korea in 1991" links
    1990 to Japan, 1991 to South Korea. It takes the sentence's countries when its clause
    names none, or refers to one it does not name ("..., and in 1991 it signed an
    agreement with Mongolia": PRONOUN). Within a clause, a date in a phrase of its own
    (PHRASE_BREAK) takes the phrase's countries and the sentence's subject's; the countries
    of a trip elsewhere (TRANSIT) take no part.

    offset: where the sentence starts in the text the dates' offsets refer to.
    """
    # One type for the sentence, unless its dates may sit in clauses of their own.
    if len(dates) > 1:
        clauses = clause_kinds(sentence)
    else:
        clauses = [(0, len(sentence), event_type(sentence))]
    named_text = without_trips(sentence)
    if named_text is not sentence:
        countries = gazetteer.find_codes(named_text, year=dates[0].year)
    of_sentence = linked(countries, parties)
    phrases = date_phrases(sentence, dates, offset, gazetteer) if len(dates) > 1 else []
    events = []
    for i, date in enumerate(dates):
        start, end, kind = clause_at(clauses, date.start - offset)
        own = []
        if phrases:  # within the clause, with the sentence's subject
            phrase_start, phrase_end = phrases[i]
            own = part_countries(
                sentence, named_text, max(start, phrase_start), min(end, phrase_end),
                date.year, gazetteer,
            )  # fmt: skip
            if own:
                own += subject_countries(named_text, gazetteer, date.year)
        if not own and len(clauses) > 1:
            own = part_countries(sentence, named_text, start, end, date.year, gazetteer)
        events.append(
            {
                "text": sentence,
                "date": date.date,
                "year": date.year,
                "precision": date.precision,
                "end_date": date.end_date,
                "date_text": date.text,
                "event_type": kind,
                "countries": linked(own, parties) if own else list(of_sentence),
            }
        )
    return events


def clause_at(clauses, position):
    """The clause (start, end, type) that holds position; the last, for any past it."""
    return next((clause for clause in clauses if position < clause[1]), clauses[-1])


def linked(codes, parties):
    """[(code, implied)]: the codes named, then the parties they leave unnamed."""
    named = sorted(set(codes))
    implied = sorted(set(parties) - set(named))
    return [(code, 0) for code in named] + [(code, 1) for code in implied]


def without_trips(sentence):
    """The sentence with the words of a trip elsewhere blanked out (see TRANSIT), offsets
    kept; the sentence itself when it tells of none."""
    if not (holds_any(sentence, TRANSIT_WORDS) and TRANSIT.search(sentence)):
        return sentence
    return TRANSIT.sub(lambda match: " " * len(match.group()), sentence)


def part_countries(sentence, named_text, start, end, year, gazetteer):
    """The countries sentence[start:end] names (named_text: see without_trips), unless it
    refers to one it does not name (PRONOUN)."""
    if PRONOUN.search(sentence, start, end):
        return []
    return gazetteer.find_codes(named_text[start:end], year=year)


def subject_countries(sentence, gazetteer, year):
    """The countries named before the sentence's first verb (see FIRST_VERB)."""
    verb = FIRST_VERB.search(sentence)
    return gazetteer.find_codes(sentence[: verb.start()], year=year) if verb else []


def date_phrases(sentence, dates, offset, gazetteer):
    """[(start, end)] of each date's phrase (see PHRASE_BREAK): the text between the
    breaks around it, for each break that has a date on either side and is not inside a
    country's name ("Saint Vincent and the Grenadines"); [] without such a break.
    offset: where the sentence starts in the dates' text."""
    breaks = [
        match.span()
        for match in PHRASE_BREAK.finditer(sentence)
        if any(d.end - offset <= match.start() for d in dates)
        and any(d.start - offset >= match.end() for d in dates)
    ]
    if breaks:
        names = [(m.start, m.end) for m in gazetteer.find(sentence)]
        breaks = [(s, e) for s, e in breaks if not any(n < s and e < m for n, m in names)]
    if not breaks:
        return []
    starts = [0] + [end for _, end in breaks]
    ends = [start for start, _ in breaks] + [len(sentence)]
    return [next((s, e) for s, e in zip(starts, ends) if date.start - offset < e) for date in dates]


def document_facts(doc, parties, gazetteer):
    """Facts for each block of doc.all_blocks(), in order; lazily, for large documents."""
    people = {}  # the visitors named so far: a later sentence may give a surname alone
    for _, block in doc.all_blocks():
        if isinstance(block, Paragraph):
            yield paragraph_facts(block.text, parties, gazetteer, people)
        elif isinstance(block, Table):
            visits = visits_from_table(block.header, block.records(), parties, gazetteer)
            remember_visitors(people, visits)
            yield Facts(visits=visits)
        else:
            yield Facts()


def surname(person):
    """The last word of a person's name ("Nazarbayev" of "Nursultan Nazarbayev"), or ""."""
    return (person or "").rpartition(" ")[2]


def remember_visitors(people, visits):
    """Add to people ({surname: visit}) the visitors of visits named in full; a surname
    that two full names share stands for no one (None)."""
    for v in visits:
        person = v["person"] or ""
        if " " not in person:
            continue
        known = people.get(surname(person), v)
        people[surname(person)] = v if known and known["person"] == person else None


def amount_parts(match, currencies):
    """(currency, number, scale word) of an AMOUNT match, each of its three forms naming
    its groups apart; None for a bare number in a sentence of no one currency."""
    if match.group("sign"):
        return CURRENCY_SIGNS[match.group("sign")], match.group("number"), match.group("scale")
    if match.group("word"):
        return CURRENCY_WORDS[match.group("word")], match.group("number2"), match.group("scale2")
    if len(currencies) == 1:
        # "$175 million, with exports totaling 149 million": the sentence's currency.
        (currency,) = currencies
        return currency, match.group("bare"), match.group("bare_scale")
    return None


def sentence_amounts(sentence, dates, offset=0):
    """Money amounts in a sentence, each with the year of the nearest date.

    offset: where the sentence starts in the text the dates' offsets refer to.
    """
    if not DIGIT.search(sentence) or not holds_any(sentence, AMOUNT_WORDS):
        return []
    found, spans = [], []  # spans: where each amount found is in the sentence
    matches = list(AMOUNT.finditer(sentence))
    currencies = {
        CURRENCY_SIGNS[m.group("sign")] if m.group("sign") else CURRENCY_WORDS[m.group("word")]
        for m in matches
        if m.group("sign") or m.group("word")
    }
    for match in matches:
        if not (parts := amount_parts(match, currencies)):
            continue
        currency, number, scale = parts
        # In decimal: 261.1 * 1e6 in binary is 261100000.00000003, and sums show it.
        value = float(Decimal(number.replace(",", "")) * SCALES.get(scale, 1))
        nearest = date_of_amount(sentence, match, dates, offset)
        found.append(
            {
                "value": value,
                "currency": currency,
                "value_usd": value if currency == "USD" else None,
                "year": nearest.year if nearest else None,
                "precision": nearest.precision if nearest else None,
                "text": match.group(0),
                "part_of_total": 0,
            }
        )
        spans.append(match.span())
    mark_parts_of_totals(sentence, found, spans)
    return found


def date_of_amount(sentence, match, dates, offset):
    """The date an amount (a match in sentence) goes with: the one it is "in" ("$60
    million in 2011"), else the nearest; None for a range of years ("from 1991 through
    2011"), of which the amount is a total, of no one year."""
    nearest = None
    if joined := DATE_AFTER_AMOUNT.match(sentence, match.end()):
        nearest = next((d for d in dates if d.start == offset + joined.end()), None)
    if nearest is None:
        position = offset + match.start()
        nearest = min(dates, key=lambda d: abs(d.start - position), default=None)
    return None if nearest and spans_years(nearest) else nearest


def spans_years(date):
    """A range from one year to another ("1991 through 2011"). Not a range of days or
    months that crosses a New Year ("December 2010 to January 2011"), which still dates an
    amount to its first year; nor a decade or a century, which its precision says."""
    return date.precision == "year" and date.end_date is not None and date.end_date != date.date


def mark_parts_of_totals(sentence, amounts, spans):
    """Mark the amounts that make up a total named before them in the same sentence
    ("$175 million, with exports of 149 million and imports of $26 million"), so that
    sums can leave them out. The total is the largest amount of its currency; the parts
    are all the others, come after it, past a word that opens a breakdown
    (BREAKDOWN_CUE), fall in its year and add up to it (to 0.5%). "From $120 million to
    $200 million, an increase of $80 million" names no parts."""
    for currency in {a["currency"] for a in amounts}:
        same = [i for i, a in enumerate(amounts) if a["currency"] == currency]
        if len(same) < 3:
            continue
        total = max(same, key=lambda i: amounts[i]["value"])
        parts = [i for i in same if i != total]
        first_part = min(spans[i][0] for i in parts)
        if (
            first_part > spans[total][1]
            and BREAKDOWN_CUE.search(sentence, spans[total][1], first_part)
            and all(amounts[i]["year"] == amounts[total]["year"] for i in parts)
            and math.isclose(
                sum(amounts[i]["value"] for i in parts), amounts[total]["value"], rel_tol=0.005
            )
        ):
            for i in parts:
                amounts[i]["part_of_total"] = 1


def visits_from_table(header, records, parties, gazetteer):
    """Visits from a table whose header names at least Date and Person, in any order."""
    columns = {name.strip().lower(): name for name in header}
    if not VISIT_TABLE_COLUMNS <= set(columns):
        return []
    visits = []
    for record in records:
        office = record.get(columns.get("office"), "") or None
        location = record.get(columns.get("location"), "") or None
        visits.append(
            visit_row(
                person=record[columns["person"]] or None,
                office=office,
                location=location,
                when=parse_date(record[columns["date"]]),
                visitor=first_country(office, gazetteer),
                host=gazetteer.place_country(location) if location else None,
                parties=parties,
            )
        )
    return visits


def first_country(text, gazetteer):
    found = gazetteer.find_codes(text) if text else []
    return found[0] if found else None


def visit_row(person, office, location, when, visitor, host, parties):
    """A visit row; in a bilateral article one known side gives the other."""
    if len(parties) == 2:
        if visitor in parties and not host:
            host = next(p for p in parties if p != visitor)
        elif host in parties and not visitor:
            visitor = next(p for p in parties if p != host)
    return {
        "person": person,
        "office": office,
        "location": location,
        "start_date": when.date if when else None,
        "end_date": when.end_date if when else None,
        "year": when.year if when else None,
        "precision": when.precision if when else None,
        "visitor_country": visitor,
        "host_country": host,
    }


def may_tell_of_visit(text):
    return holds_any(text, VISIT_WORDS) and VISIT_HINT.search(text) is not None


def sentence_visits(sentence, dates, parties, gazetteer, offset, people):
    """Visits told in a sentence: by an office and a name (office_visits), by a group no
    one in is named (group_visits), or by the sentence's subject, someone people knows
    (subject_visit); people learns the visitors named in full.

    offset: where the sentence starts in the text the dates' offsets refer to.
    """
    if not holds_any(sentence, VISIT_WORDS):
        return []
    found = []
    if holds_any(sentence, OFFICE_WORDS):
        found += office_visits(sentence, dates, parties, gazetteer, offset)
    if holds_any(sentence, GROUP_HINTS):
        found += group_visits(sentence, dates, parties, gazetteer, offset)
    remember_visitors(people, found)
    if not found and people and ("his " in sentence or "her " in sentence):
        found += subject_visit(sentence, dates, parties, gazetteer, offset, people)
    return found


def office_visits(sentence, dates, parties, gazetteer, offset):
    """'Prime Minister X visited Nur-Sultan', 'Prime Minister X of Japan visited ...',
    'visit of Y to Z', and 'Secretary X visited in 2005' (no place: no location or host)."""
    found = []
    for match in VISIT_SENTENCE.finditer(sentence):
        adjective = match.group("adjective") or match.group("adjective2")
        place = match.group("place") or match.group("place2")
        office = match.group("office") or match.group("office2")
        # "Japanese Prime Minister", "Prime Minister X of Japan" ("When" or "the Obama
        # Administration" names no country), or an office of one ("Secretary of State").
        visitor = gazetteer.code_for(adjective) or gazetteer.code_for(match["country"])
        if visitor is None and OFFICE_COUNTRIES.get(office) in parties:
            visitor = OFFICE_COUNTRIES[office]
        found.append(
            visit_row(
                person=match.group("person") or match.group("person2"),
                office=office,
                location=place_as_written(place) if place else None,
                when=date_for(offset + match.start(), dates),
                visitor=visitor,
                host=country_of_place(place, gazetteer) if place else None,
                # Without a place or a visitor, a bilateral article's parties say nothing
                # of who went where; with one of them, the other is the other party.
                parties=parties if place or visitor else (),
            )
        )
    return found


def subject_visit(sentence, dates, parties, gazetteer, offset, people):
    """'X ... during his visit to Z', of someone people knows (see SUBJECT_VISIT), with
    the full name and the country of the visit that named them: [visit] or []."""
    subject = SUBJECT_VISIT.match(sentence)
    if not subject:
        return []
    person, place = subject.group("person"), place_as_written(subject.group("place"))
    office = OFFICE.match(person)
    person = person[office.end() :] if office else person
    known = people.get(surname(person))
    if not known or person not in (known["person"], surname(known["person"])):
        return []
    return [
        visit_row(
            person=known["person"],
            office=office.group().strip() if office else None,
            location=place,
            when=date_for(offset + subject.start("place"), dates),
            visitor=known["visitor_country"],
            host=country_of_place(place, gazetteer),
            parties=parties,
        )
    ]


def group_visits(sentence, dates, parties, gazetteer, offset):
    """Visits by a group no one in is named (see GROUP_VISIT): no person, the group's
    name as its office, its country from that name. "The delegation" with no country
    refers to a group told before, whose visit is no new one."""
    found = []
    for match in GROUP_VISIT.finditer(sentence):
        words, end = group_words(sentence, match.start())
        body, place = match.group("body"), match.group("place")
        codes = gazetteer.find_codes(" ".join([*words, body]))
        if end == "the" and not codes:
            continue
        found.append(
            visit_row(
                person=None,
                office=" ".join([*words, body]),
                location=place_as_written(place),
                when=date_for(offset + match.start(), dates),
                visitor=codes[0] if codes else None,
                host=country_of_place(place, gazetteer),
                parties=parties,
            )
        )
    return found


def group_words(sentence, start):
    """(words, word it ended at or None) of a group's name before `start`, at most
    MOST_GROUP_WORDS of them (see GROUP_WORDS_END)."""
    before = sentence[max(0, start - 100) : start].split()[-MOST_GROUP_WORDS - 2 :]
    words = []
    while before:
        word = before.pop()
        if word.endswith((",", ";", ":")) or len(words) == MOST_GROUP_WORDS:
            return words, None
        lower = word.lower()
        joins_a_name = words and before and words[0][0].isupper() and before[-1][0].isupper()
        if lower in GROUP_WORDS_END and not (lower in NAME_JOINERS and joins_a_name):
            return words, lower
        words.insert(0, word)
    return words, None


# Initials that end with their own full stop: "U.S.", "D.C.".
INITIALS_AT_END = re.compile(r"(?:\b[A-Z]\.)+$")


def place_as_written(place):
    """The place without the comma or full stop that follows it ("Ulaanbaatar.", "St.
    Petersburg."), but with initials' own ("the U.S.", "Washington, D.C.")."""
    place = place.rstrip(",")
    return place if INITIALS_AT_END.search(place) else place.rstrip(".")


def country_of_place(place, gazetteer):
    """The country a visit's place is, or is in: "Mongolia", "Nur-Sultan"."""
    return gazetteer.code_for(place) or gazetteer.place_country(place)


def date_for(position, dates):
    """The first date at or after `position`, else the last one before it."""
    after = [d for d in dates if d.start >= position]
    return after[0] if after else (dates[-1] if dates else None)


def numbered_fields(infobox):
    """{(field, number): value} for Mission/Envoy/Envoytitle infobox keys.

    Seed infoboxes number their keys (Envoy1, Mission2); rendered Wikipedia
    infoboxes repeat one label per party (Envoy, Diplomatic mission), so an
    unnumbered key is numbered by its occurrence.
    """
    fields, seen = {}, Counter()
    for key, value in infobox:
        if match := INFOBOX_PARTY_FIELD.fullmatch(key.strip()):
            kind = match.group("field").lower()
            seen[kind] += 1
            fields[kind, int(match.group("number") or seen[kind])] = value
    return fields


def envoys_and_missions(infobox, gazetteer):
    """Normalise infobox envoy and mission fields.

    Infobox numbering does not say which party an envoy represents (it differs
    between articles), but EnvoyN and MissionN belong together, and the
    mission's name says its country.
    """
    fields = numbered_fields(infobox)
    missions = {
        n: mission_row(v, gazetteer) for (f, n), v in sorted(fields.items()) if f == "mission"
    }
    envoys = []
    for (kind, number), value in sorted(fields.items()):
        if kind != "envoy":
            continue
        title, name = fields.get(("envoytitle", number)), value
        if titled := ENVOY_TITLES.match(value):
            title, name = title or titled.group("title"), titled.group("name")
        sending = missions.get(number, {}).get("sending_country")
        envoys.append({"name": name, "title": title, "country_code": sending})
    return envoys, list(missions.values())


def mission_row(name, gazetteer):
    match = MISSION.match(name)
    country_text = city = None
    if match:
        country_text = match.group("country") or match.group("adjective")
        city = match.group("city") or match.group("city2")
    return {
        "name": name,
        "sending_country": gazetteer.code_for(country_text) if country_text else None,
        "host_city": city,
        "host_country": gazetteer.place_country(city) if city else None,
    }


def names_partner(event, partner):
    """Whether an event is of relations with `partner`: it names the partner, or no
    country but Mongolia ("Relations were established in 1992"). "Mongolia established
    relations with Kyrgyzstan in 1993", in the Kazakhstan article, is not."""
    named = {code for code, implied in event["countries"] if not implied}
    return partner in named or named <= {MONGOLIA}


def established_date(events, partner):
    """When a bilateral article says relations with its partner were established, at the
    best precision it gives; a decade or a century is no date of relations ("in the
    1990s"). None for an article with no partner."""
    if not partner:
        return None
    rank = {"day": 0, "month": 1, "year": 2}
    candidates = [
        e
        for e in events
        if e["event_type"] == "establishment"
        and e["precision"] in rank
        and names_partner(e, partner)
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda e: (rank[e["precision"]], e["date"]))
    return best["date"]
