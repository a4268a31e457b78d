"""Extraction on the real seeds and on the traps the issue names."""

import pytest

from ingest.countries import Gazetteer
from ingest.dates import find_dates
from ingest.extract import (
    envoys_and_missions,
    event_type,
    literal_start,
    paragraph_facts,
    sentence_amounts,
    sentence_spans,
    visits_from_table,
)
from ingest.load import build

from .conftest import query
from .eval.evaluate import (
    evaluate,
    evaluate_event_countries,
    evaluate_event_types,
    evaluate_visits,
    stray_years,
)

GAZETTEER = Gazetteer.default()
LABELS = "tests/eval/labels.yml"


def test_eval_floors_on_the_seeds(seeds_db):
    """The hand-labelled evaluation (make eval) holds its floors."""
    report = evaluate(seeds_db, LABELS)
    assert not any(report["errors"].values()), report["errors"]
    assert report["event_years"]["recall"] >= 0.95
    assert report["dates"]["recall"] >= 0.95
    assert report["countries"]["precision"] == 1.0
    assert stray_years(seeds_db, LABELS) == []
    types = evaluate_event_types(seeds_db)
    assert types["matched"] == types["labelled"]
    assert types["accuracy"] >= 0.83
    linked = evaluate_event_countries(seeds_db)
    assert linked["matched"] == linked["labelled"]
    assert linked["exact"] / linked["matched"] >= 0.82  # 118 of 143
    assert linked["named"]["precision"] >= 0.95 and linked["all"]["recall"] >= 0.98
    visits = evaluate_visits(seeds_db)
    assert visits["found"]["recall"] >= 0.95 and visits["found"]["precision"] >= 0.95
    assert visits["wrong"] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            (
                "China established diplomatic relations with Mongolia on October 16, 1949,"
                " and both nations signed a border treaty in 1962."
            ),
            [(1949, "establishment"), (1962, "treaty")],
        ),
        # One clause: its dates share its type.
        (
            "In 1989 and 1990, a cultural accord and a consular convention were signed.",
            [(1989, "treaty"), (1990, "treaty")],
        ),
        # A clause that goes on from its neighbour takes the neighbour's type.
        (
            (
                "Mongolia established diplomatic relations with Kazakhstan on 22 January 1992,"
                " and with Kyrgyzstan in 1993."
            ),
            [(1992, "establishment"), (1993, "establishment")],
        ),
        (
            "In 1990, and again in 1991, Japan gave Mongolia aid.",
            [(1990, "aid"), (1991, "aid")],
        ),
        ("Trade grew in 2000; by 2005, it had doubled.", [(2000, "trade"), (2005, "trade")]),
        # A clause of its own that names no type is 'other', whatever its neighbour says.
        (
            (
                "The embassy opened in April 1988, with the ambassador presenting his"
                " credentials in September 1988."
            ),
            [(1988, "other"), (1988, "visit")],
        ),
    ],
)
def test_each_date_takes_the_type_of_its_clause(text, expected):
    events = paragraph_facts(text, (), GAZETTEER).events
    assert [(e["year"], e["event_type"]) for e in events] == expected


def test_articles_partner_and_established(seeds_db):
    assert query(
        seeds_db, "select slug, kind, partner_country, established, established_year from articles"
    ) == [
        ("china-mongolia-relations", "bilateral", "CHN", "1949-10-16", 1949),
        ("mongolias-diplomatic-strategy-in-the-post-communist-era", "essay", None, None, None),
        ("kazakhstan-mongolia-relations", "bilateral", "KAZ", "1992-01-22", 1992),
        ("mongolia-united-states-relations", "bilateral", "USA", "1987-01-27", 1987),
    ]


@pytest.mark.parametrize(
    "title, text, expected",
    [
        # A closer date for relations with another country is not the partner's.
        (
            "Kazakhstan–Mongolia relations",
            (
                "Kazakhstan and Mongolia established diplomatic relations in 1992."
                " Mongolia established diplomatic relations with Kyrgyzstan on 1 March 1993."
            ),
            ("1992", 1992),
        ),
        # Naming only Mongolia, or no country, it is the partner's.
        (
            "Kazakhstan–Mongolia relations",
            (
                "Diplomatic relations were established on 22 January 1992."
                " Mongolia established relations with Kyrgyzstan in 1993."
            ),
            ("1992-01-22", 1992),
        ),
        # A decade is no date of relations.
        ("Kazakhstan–Mongolia relations", "Relations were established in the 1990s.", (None, None)),
        # Only a bilateral article has a partner.
        (
            "Foreign relations of Mongolia",
            "Mongolia established diplomatic relations with Kazakhstan on 22 January 1992.",
            (None, None),
        ),
    ],
)
def test_established_is_the_partners_date_to_a_year_or_closer(tmp_path, title, text, expected):
    (tmp_path / "article.txt").write_text(f"= {title} =\n\n{text}\n", encoding="utf-8")
    build(tmp_path / "relations.db", [tmp_path / "article.txt"])
    established = query(
        tmp_path / "relations.db", "select established, established_year from articles"
    )
    assert established == [expected]


def test_a_visit_by_surname_is_of_the_visitor_the_article_named(seeds_db, tmp_path):
    # The Kazakhstan seed: "Nazarbayev was awarded ... during his official visit to Mongolia
    # in the summer of 2008", after "then-President Nursultan Nazarbayev" visited in 1993.
    visits = query(
        seeds_db,
        "select person, office, start_date, end_date, visitor_country, host_country"
        " from visits join articles on articles.id = visits.article_id"
        " where articles.partner_country = 'KAZ' and visits.person like '%Nazarbayev'",
    )
    assert visits == [
        ("Nursultan Nazarbayev", "President", "1993-10", None, "KAZ", "MNG"),
        ("Nursultan Nazarbayev", None, "2008-06", "2008-08", "KAZ", "MNG"),
    ]
    # Two people of one surname: the surname alone is no one known.
    (tmp_path / "article.txt").write_text(
        "Kazakhstan–Mongolia relations\n\n"
        "President Nursultan Nazarbayev visited Ulaanbaatar in 1993. President Dariga Nazarbayev"
        " visited Ulaanbaatar in 1999. Nazarbayev was thanked during his visit to Mongolia in"
        " 2008.\n"
    )
    build(tmp_path / "r.db", [tmp_path / "article.txt"])
    people = query(tmp_path / "r.db", "select person from visits order by year")
    assert people == [("Nursultan Nazarbayev",), ("Dariga Nazarbayev",)]


def test_united_states_visits_come_from_the_table_by_header(seeds_db):
    visits = query(
        seeds_db,
        "select person, office, location, start_date, end_date, year, visitor_country, host_country"
        " from visits where table_row_id is not null order by id",
    )
    assert len(visits) == 16
    assert visits[0] == (
        "Henry A. Wallace", "Vice President of the United States", "Ulaanbaatar",
        "1944-07", None, 1944, "USA", "MNG",
    )  # fmt: skip
    assert visits[14] == (
        "Khaltmaagiin Battulga", "President of Mongolia", "Washington, D.C.",
        "2019-07-30", "2019-08-02", 2019, "MNG", "USA",
    )  # fmt: skip
    directions = query(
        seeds_db,
        "select visitor_country, host_country, count(*) from visits where article_id = 4"
        " group by 1, 2 order by 1",
    )
    # Rumsfeld "visited in October 2005" and Johanns "led a presidential delegation in July
    # 2006": from the United States, as their offices say in the article on its relations,
    # so to Mongolia; the House members' visit and the Parliament members' return visit.
    assert directions == [("MNG", "USA", 10), ("USA", "MNG", 13)]


def test_visits_table_columns_in_any_order():
    header = ["Location", "Office", "Person", "Date"]
    records = [
        {
            "Location": "Astana",
            "Office": "President of Mongolia",
            "Person": "A. B.",
            "Date": "May 2010",
        }
    ]
    (visit,) = visits_from_table(header, records, ("MNG", "KAZ"), GAZETTEER)
    assert visit == {
        "person": "A. B.",
        "office": "President of Mongolia",
        "location": "Astana",
        "start_date": "2010-05",
        "end_date": None,
        "year": 2010,
        "precision": "month",
        "visitor_country": "MNG",
        "host_country": "KAZ",
    }
    assert (
        visits_from_table(["Year", "Trade"], [{"Year": "2010", "Trade": "5"}], (), GAZETTEER) == []
    )


def test_visits_from_prose():
    text = (
        "In October 2019, Mongolian Prime Minister Ukhnaagiin Khürelsükh visited Nur-Sultan and met"
        " Kazakh Prime Minister Askar Mamin. In October 1993, then-President Nursultan Nazarbayev"
        " paid his first official visit to Mongolia."
    )
    visits = paragraph_facts(text, ("MNG", "KAZ"), GAZETTEER).visits
    assert [
        (
            v["person"],
            v["office"],
            v["location"],
            v["start_date"],
            v["visitor_country"],
            v["host_country"],
        )
        for v in visits
    ] == [
        ("Ukhnaagiin Khürelsükh", "Prime Minister", "Nur-Sultan", "2019-10", "MNG", "KAZ"),
        ("Nursultan Nazarbayev", "President", "Mongolia", "1993-10", "KAZ", "MNG"),
    ]


def test_visits_from_prose_without_a_place_or_told_further_on():
    text = (
        "Defense Secretary Donald Rumsfeld visited in October 2005. Mongolian General Secretary"
        " Jambyn Batmönkh, during a meeting with President Kim Il sung while on a state visit to"
        " Pyongyang in November 1986, spoke of trade. President Tsedenbal came to power in 1952."
        # None of these is a visit the regex can place or date: no row.
        " Mongolian President Tsakhiagiin Elbegdorj visited the United States in June 2011."
        " President George W. Bush, who hosted Chinese President Hu Jintao during his state"
        " visit to Washington, spoke."
    )
    visits = paragraph_facts(text, ("MNG", "USA"), GAZETTEER).visits
    assert [
        (v["person"], v["office"], v["location"], v["start_date"], v["visitor_country"])
        for v in visits
    ] == [
        ("Donald Rumsfeld", "Defense Secretary", None, "2005-10", "USA"),
        ("Jambyn Batmönkh", "General Secretary", "Pyongyang", "1986-11", "MNG"),
    ]
    # Without a place, one side gives the other in the article on their relations.
    assert [v["host_country"] for v in visits] == ["MNG", "PRK"]


def test_visits_by_a_group_or_a_delegation_no_one_in_is_named():
    text = (
        "Bilateral ties remained tense until 1984, when a high-level Chinese delegation visited"
        " Mongolia. In July 2007, six members of the U.S. House of Representatives visited"
        " Mongolia. Agriculture Secretary Mike Johanns led a presidential delegation in July"
        " 2006. The return visit came in August 2007, with five members of the Mongolian"
        " Parliament traveling to the U.S. In 2010 a South Korean delegation came to Ulaanbaatar."
        # Not a visit: no group goes anywhere.
        " The delegation signed an agreement in 2011."
    )
    visits = paragraph_facts(text, ("MNG", "USA"), GAZETTEER).visits
    assert [
        (v["person"], v["office"], v["location"], v["start_date"], v["visitor_country"],
         v["host_country"])
        for v in visits
    ] == [
        (None, "high-level Chinese delegation", "Mongolia", "1984", "CHN", "MNG"),
        (None, "six members of the U.S. House of Representatives", "Mongolia", "2007-07",
         "USA", "MNG"),
        # A US office, without a place: the other party is the host.
        ("Mike Johanns", "Agriculture Secretary", None, "2006-07", "USA", "MNG"),
        (None, "five members of the Mongolian Parliament", "U.S.", "2007-08", "MNG", "USA"),
        (None, "South Korean delegation", "Ulaanbaatar", "2010", "KOR", "MNG"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # The group's country from its name, however many words it has.
        ("In 2001 a Bosnia and Herzegovina delegation visited Ulaanbaatar.",
         [("Bosnia and Herzegovina delegation", "Ulaanbaatar", "BIH", "MNG")]),
        ("In 2001 a Côte d'Ivoire delegation visited Ulaanbaatar.",
         [("Côte d'Ivoire delegation", "Ulaanbaatar", "CIV", "MNG")]),
        ("In 2004 an Isle of Man delegation visited Ulaanbaatar.",
         [("Isle of Man delegation", "Ulaanbaatar", "IMN", "MNG")]),
        ("In 2003 a high-level Åland Islands delegation visited Ulaanbaatar.",
         [("high-level Åland Islands delegation", "Ulaanbaatar", "ALA", "MNG")]),
        # None: the other party, in the article on the two.
        ("In 2012 a 20-member delegation visited Ulaanbaatar.",
         [("20-member delegation", "Ulaanbaatar", "USA", "MNG")]),
        # "The delegation" of no country is one told before: no new visit.
        ("The delegation visited Mongolia in 2014.", []),
        (("Prime Minister Sükhbaataryn Batbold visited Washington in 2010, and the delegation"
         " visited New York."), [("Prime Minister", "Washington", "MNG", "USA")]),
        # A full stop after initials is theirs, after another place the sentence's.
        ("In 2001 a Russian delegation visited St. Petersburg.",
         [("Russian delegation", "St. Petersburg", "RUS", "RUS")]),
        # "led a delegation" without a place: a visit only with a date at once.
        (("Secretary of State John Kerry led a delegation, which met Chinese officials in"
         " Beijing in 2014."), []),
        (("Prime Minister Sanjaagiin Bayar led a delegation on Mongolia's behalf at the 2008"
         " summit."), []),
    ],
)  # fmt: skip
def test_visits_by_a_group_at_their_edges(sentence, expected):
    visits = paragraph_facts(sentence, ("MNG", "USA"), GAZETTEER).visits
    found = [(v["office"], v["location"], v["visitor_country"], v["host_country"]) for v in visits]
    assert found == expected


def test_a_group_visit_is_stored_once_with_a_visits_table(tmp_path):
    """A prose visit by a group is the table's only if the table has one that year that no
    one is named in either, between the same countries."""
    (tmp_path / "article.txt").write_text(
        "Mongolia–United States relations\n\n"
        "In July 2007, six members of the U.S. House of Representatives visited Mongolia. In"
        " August 2008, five members of the Mongolian Parliament traveled to Washington.\n\n"
        "| Date | Person | Office | Location |\n"
        "| May 2007 | | Mongolian parliamentary delegation | Washington, D.C. |\n"
        "| August 2008 | | Mongolian parliamentary delegation | Washington, D.C. |\n"
    )
    build(tmp_path / "r.db", [tmp_path / "article.txt"])
    visits = query(
        tmp_path / "r.db",
        "select start_date, office, visitor_country, host_country, table_row_id is not null"
        " from visits order by start_date",
    )
    assert visits == [
        ("2007-05", "Mongolian parliamentary delegation", "MNG", "USA", 1),
        ("2007-07", "six members of the U.S. House of Representatives", "USA", "MNG", 0),
        ("2008-08", "Mongolian parliamentary delegation", "MNG", "USA", 1),
    ]


# Visits that name their visitors in full, before a sentence tells of one by a surname.
KNOWN_VISITORS = (
    "In October 1993, then-President Nursultan Nazarbayev paid his first official visit to"
    " Mongolia. President Kassym-Jomart Tokayev visited Ulaanbaatar in 2019."
)
VISITS_OF_KNOWN_VISITORS = [
    ("Nursultan Nazarbayev", "President", "Mongolia", "1993-10", "KAZ", "MNG"),
    ("Kassym-Jomart Tokayev", "President", "Ulaanbaatar", "2019", "KAZ", "MNG"),
]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # Told of the sentence's subject by "his": the date after the place; the visitor's
        # full name and country from the visit that named them.
        (
            (
                'Nazarbayev was awarded the Order of Erdene Ochir ("The Precious Rod") for his'
                " contribution during his official visit to Mongolia in the summer of 2008."
            ),
            [("Nursultan Nazarbayev", None, "Mongolia", "2008-06", "KAZ", "MNG")],
        ),
        # An office before the name is the office.
        (
            "President Tokayev spoke of trade during his state visit to Ulaanbaatar in 2023.",
            [("Kassym-Jomart Tokayev", "President", "Ulaanbaatar", "2023", "KAZ", "MNG")],
        ),
        # The subject is no visitor named before: a word, a pronoun, a place, someone new.
        ("Several agreements were signed during his visit to Mongolia in 2004.", []),
        ("He was awarded a medal during his visit to Mongolia in 2008.", []),
        ("Mongolia thanked Japan for her visit to Ulaanbaatar in 2005.", []),
        ("Pope Francis celebrated Mass during his visit to Mongolia in 2023.", []),
        # Someone else comes between: "his" may be theirs.
        ("Tokayev met President Khurelsukh during his visit to Astana in 2022.", []),
        ("Tokayev praised the minister, who during his visit to Astana in 2010 signed it.", []),
    ],
)
def test_visits_of_the_sentences_subject(sentence, expected):
    visits = paragraph_facts(f"{KNOWN_VISITORS} {sentence}", ("MNG", "KAZ"), GAZETTEER).visits
    fields = ("person", "office", "location", "start_date", "visitor_country", "host_country")
    assert [tuple(v[field] for field in fields) for v in visits] == (
        VISITS_OF_KNOWN_VISITORS + expected
    )


def test_sentences_keep_abbreviations_and_initials():
    text = (
        "Deputy Secretary of State Richard L. Armitage visited Mongolia in January 2004. The U.S."
        " Embassy opened. It is in Washington, D.C. today. Five members traveled to the U.S. In"
        " September 2007, the White House announced it. They met in Washington, D.C. The talks"
        " went on. The envoy Dr. He Yafei met Gen. An Thanh."
    )
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "Deputy Secretary of State Richard L. Armitage visited Mongolia in January 2004.",
        "The U.S. Embassy opened.",
        "It is in Washington, D.C. today.",
        "Five members traveled to the U.S.",
        "In September 2007, the White House announced it.",
        "They met in Washington, D.C.",
        "The talks went on.",
        "The envoy Dr. He Yafei met Gen. An Thanh.",
    ]


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("The two countries established diplomatic relations on 22 January 1992.", "establishment"),
        (
            "Bilateral relations between Mongolia and the United States formalized in 1987.",
            "establishment",
        ),
        ("In 1988, both nations signed a treaty on border control.", "treaty"),
        ("Secretary of State James Baker visited Mongolia in August 1990.", "visit"),
        ("The Kazakhstan government provided humanitarian aid in 2016.", "aid"),
        ("Trade turnover in 2017 reached US$68.2 million.", "trade"),
        (
            "Gobi Wolf focuses on disaster preparedness and was launched as an exercise in 2009.",
            "military",
        ),
        # Military before aid and trade: an assistance force is no aid.
        (
            "Mongolia joined NATO-led operations in the Security Assistance Force from 2009.",
            "military",
        ),
        ("Mongolia was recognized as a NATO global partner in 2012.", "military"),
        ("In 1921, Chinese forces were driven out by White Russian forces.", "conflict"),
        ("In 1924, the Mongolian People's Republic was proclaimed.", "other"),
        # A period a sentence is dated by tells of no war; a war it tells of is one.
        ("During the Cold War, relations were determined by the Soviet Union until 1990.", "other"),
        ("After World War II politicians called for recognition in the 1940s.", "other"),
        ("In the post-Cold War era, China took steps to normalise relations in 1994.", "other"),
        ("Mongolia declared war on Japan in August 1945, in World War II.", "conflict"),
        ("In 1945, Mongolia fought alongside the Soviet Union in World War II.", "conflict"),
        ("The battle of 1939 was part of the Second World War.", "conflict"),
        ("During the cold war, relations froze in 1960.", "other"),
        ("By the end of the Second World War in 1945, trade had stopped.", "trade"),
        ("Mongolia and Japan fought the war of 1939 at Khalkhin Gol.", "conflict"),
        ("The Peace Corps started operations in Mongolia in July 1991.", "aid"),
    ],
)
def test_event_type_rules(sentence, expected):
    assert event_type(sentence) == expected


@pytest.mark.parametrize(
    "sentence,expected",
    [
        (
            "Bilateral trade reached US$1.13 billion by 2007.",
            [(1.13e9, "USD", 1.13e9, 2007, "US$1.13 billion", 0)],
        ),
        (
            "In 2020 it provided 1.2 million USD in aid.",
            [(1.2e6, "USD", 1.2e6, 2020, "1.2 million USD", 0)],
        ),
        ("Aid of US$200,000 on July 10, 2016.", [(2e5, "USD", 2e5, 2016, "US$200,000", 0)]),
        (
            (
                "As of 2022, trade was $175 million, with U.S. exports totaling 149 million and"
                " Mongolian exports totaling $26 million."
            ),
            [
                (175e6, "USD", 175e6, 2022, "$175 million", 0),
                (149e6, "USD", 149e6, 2022, "149 million", 1),
                (26e6, "USD", 26e6, 2022, "$26 million", 1),
            ],
        ),
        ("It could raise capacity to 120 million tonnes by 2030.", []),
        ("More than 2 million people benefit.", []),
        ("A loan of 5 billion yuan in 2015.", [(5e9, "CNY", None, 2015, "5 billion yuan", 0)]),
        # Three amounts that are no total and its parts.
        (
            (
                "Trade grew from $120 million in 2015 to $200 million in 2015, an increase of"
                " $80 million."
            ),
            [
                (120e6, "USD", 120e6, 2015, "$120 million", 0),
                (200e6, "USD", 200e6, 2015, "$200 million", 0),
                (80e6, "USD", 80e6, 2015, "$80 million", 0),
            ],
        ),
        (
            "Trade was $100 million in 2010, $60 million in 2011 and $40 million in 2012.",
            [
                (100e6, "USD", 100e6, 2010, "$100 million", 0),
                (60e6, "USD", 60e6, 2011, "$60 million", 0),
                (40e6, "USD", 40e6, 2012, "$40 million", 0),
            ],
        ),
        # Read in decimal: not 261100000.00000003, nor 64900000000.00001.
        (
            "Trade reached US$261.1 million in 2019 and US$64.9 billion in 2020.",
            [
                (261_100_000, "USD", 261_100_000, 2019, "US$261.1 million", 0),
                (64_900_000_000, "USD", 64_900_000_000, 2020, "US$64.9 billion", 0),
            ],
        ),
        (
            "Aid was $5 million, $7 million and $9 million in 2001.",
            [
                (5e6, "USD", 5e6, 2001, "$5 million", 0),
                (7e6, "USD", 7e6, 2001, "$7 million", 0),
                (9e6, "USD", 9e6, 2001, "$9 million", 0),
            ],
        ),
    ],
)
def test_amounts(sentence, expected):
    found = sentence_amounts(sentence, find_dates(sentence))
    assert [
        (a["value"], a["currency"], a["value_usd"], a["year"], a["text"], a["part_of_total"])
        for a in found
    ] == expected


@pytest.mark.parametrize(
    "sentence, dated",
    [
        ("Aid of US$200,000 on July 10, 2016.", (2016, "day")),
        ("Bilateral trade reached US$1.13 billion by 2007.", (2007, "year")),
        ("In the 1990s, trade reached $10 million a year.", (1990, "decade")),
        ("In the 19th century, caravans carried $2 million of tea.", (1800, "century")),
        ("Trade reached $10 million.", (None, None)),
        # A total over years is of no one year: not 1991's $220 million.
        ("Total USAID grant funding from 1991 through 2011 was about $220 million.", (None, None)),
        ("In 2009-2014 the fund gave $5 million.", (None, None)),
        ("From January to March 2007 trade reached $3 million.", (2007, "month")),
        ("From December 2010 to January 2011 trade reached $3 million.", (2010, "month")),
        ("From 30 December 2010 to 2 January 2011 it gave $3 million.", (2010, "day")),
    ],
)
def test_an_amount_is_dated_as_closely_as_its_sentence_dates_it(sentence, dated):
    (amount,) = sentence_amounts(sentence, find_dates(sentence))
    assert (amount["year"], amount["precision"]) == dated


@pytest.mark.parametrize(
    "date, dated",
    [
        ("22 January 1992", ("1992-01-22", 1992, "day")),
        ("May 2010", ("2010-05", 2010, "month")),
        ("1998", ("1998", 1998, "year")),
        ("the 1990s", ("1990", 1990, "decade")),
        ("sometime", (None, None, None)),
    ],
)
def test_a_visit_is_dated_as_closely_as_its_table_dates_it(date, dated):
    records = [{"Date": date, "Person": "A. B.", "Office": "President of Mongolia"}]
    (visit,) = visits_from_table(["Date", "Person", "Office"], records, (), GAZETTEER)
    assert (visit["start_date"], visit["year"], visit["precision"]) == dated


def test_bilateral_parties_the_sentence_leaves_unnamed_are_implied():
    text = (
        "Trade grew in 2017. Kazakhstan signed a deal in 2018. Mongolia and Kazakhstan met in 2019."
    )
    events = paragraph_facts(text, ("MNG", "KAZ"), GAZETTEER).events
    assert [(e["year"], e["countries"]) for e in events] == [
        (2017, [("KAZ", 1), ("MNG", 1)]),
        (2018, [("KAZ", 0), ("MNG", 1)]),
        (2019, [("KAZ", 0), ("MNG", 0)]),
    ]
    # Outside a bilateral article nothing is implied.
    assert [e["countries"] for e in paragraph_facts(text, (), GAZETTEER).events] == [
        [],
        [("KAZ", 0)],
        [("KAZ", 0), ("MNG", 0)],
    ]


def test_a_date_links_the_countries_of_its_own_clause():
    text = (
        "Japan gave aid in 1990, and South Korea in 1991. China and Mongolia signed a treaty"
        " in 1962, and ratified it in 1963. Japan opened an embassy in Ulaanbaatar in 1989,"
        " and in 1991 it signed an aid agreement with Mongolia."
    )
    events = paragraph_facts(text, (), GAZETTEER).events
    assert [(e["year"], e["countries"]) for e in events] == [
        (1990, [("JPN", 0)]),
        (1991, [("KOR", 0)]),
        # A clause that names no country, or refers to one it does not name, takes the
        # sentence's.
        (1962, [("CHN", 0), ("MNG", 0)]),
        (1963, [("CHN", 0), ("MNG", 0)]),
        (1989, [("JPN", 0)]),
        (1991, [("JPN", 0), ("MNG", 0)]),
    ]


def test_an_and_before_a_verb_parts_the_clauses_of_dates_and_their_countries():
    text = (
        "Mongolia contributed personnel to the U.S.-led Iraq War in 2003 and has contributed"
        " to NATO-led operations in Kosovo from 2005–2007. In August 2011, on a side trip while"
        " traveling to China and Japan, Joe Biden made the first visit to Mongolia since 1944."
    )
    events = paragraph_facts(text, (), GAZETTEER).events
    assert [(e["date_text"], e["countries"]) for e in events] == [
        ("2003", [("IRQ", 0), ("MNG", 0), ("USA", 0)]),
        ("2005–2007", [("XKX", 0)]),
        # "and" before a noun parts nothing: both dates keep the sentence's countries, but
        # not those of a trip to elsewhere (TRANSIT).
        ("August 2011", [("MNG", 0)]),
        ("1944", [("MNG", 0)]),
    ]
    # Still mentions of the paragraph.
    assert {"CHN", "JPN"} <= set(paragraph_facts(text, (), GAZETTEER).mentions)


def test_an_and_before_an_article_gives_the_next_date_the_countries_of_its_own_phrase():
    text = (
        "Mongolia contributed personnel to the U.S.-led Iraq War as part of Multi-National"
        " Force – Iraq in 2003 and has contributed to NATO-led operations in Kosovo from"
        " 2005–2007 and the International Security Assistance Force in Afghanistan from"
        " 2009-2014. Mongolia opened embassies in Saint Vincent and the Grenadines in 1990 and Japan in 1991."
        " Japan gave aid in 1990 and the two countries signed a treaty in 1991. Russia"
        " established relations with Japan in 1972 and the United States in 1987."
    )
    events = paragraph_facts(text, ("MNG", "USA"), GAZETTEER).events
    assert [(e["date_text"], e["event_type"], e["countries"]) for e in events] == [
        ("2003", "conflict", [("IRQ", 0), ("MNG", 0), ("USA", 0)]),
        # With the sentence's subject, Mongolia, who acts in each.
        ("2005–2007", "military", [("MNG", 0), ("XKX", 0), ("USA", 1)]),
        ("2009-2014", "military", [("AFG", 0), ("MNG", 0), ("USA", 1)]),
        # Not inside a country's name; "and" before a name keeps the sentence's countries.
        ("1990", "other", [("JPN", 0), ("MNG", 0), ("VCT", 0), ("USA", 1)]),
        ("1991", "other", [("JPN", 0), ("MNG", 0), ("VCT", 0), ("USA", 1)]),
        # A phrase that names no country takes the sentence's.
        ("1990", "treaty", [("JPN", 0), ("MNG", 1), ("USA", 1)]),
        ("1991", "treaty", [("JPN", 0), ("MNG", 1), ("USA", 1)]),
        # The subject acts in every phrase; the first phrase's other country in its own.
        ("1972", "establishment", [("JPN", 0), ("RUS", 0), ("MNG", 1), ("USA", 1)]),
        ("1987", "establishment", [("RUS", 0), ("USA", 0), ("MNG", 1)]),
    ]


def test_a_visit_event_is_of_the_country_its_city_is_in():
    text = (
        "Jambyn Batmönkh, during a meeting with President Kim Il sung while on a state visit"
        " to Pyongyang in November 1986, said so. President Bagabandi visited Washington in"
        " July 2004. The delegation met in Beijing in 1990."
    )
    events = paragraph_facts(text, ("MNG", "USA"), GAZETTEER).events
    assert [(e["date_text"], e["event_type"], e["countries"]) for e in events] == [
        ("November 1986", "visit", [("PRK", 0), ("MNG", 1), ("USA", 1)]),
        ("July 2004", "visit", [("USA", 0), ("MNG", 1)]),
        # No visit of a named person to a place: the city links nothing.
        ("1990", "visit", [("MNG", 1), ("USA", 1)]),
    ]


def test_event_countries_on_the_seeds(seeds_db):
    (implied_only,) = query(
        seeds_db,
        "select count(*) from events where id not in (select event_id from event_countries where implied = 0)"
        " and article_id in (select id from articles where kind = 'bilateral')",
    )[0]
    assert implied_only > 0
    # Every implied row belongs to a bilateral article's parties.
    assert (
        query(
            seeds_db,
            "select distinct ec.country_code from event_countries ec join events e on e.id = ec.event_id"
            " join articles a on a.id = e.article_id where ec.implied = 1"
            " and ec.country_code not in ('MNG', a.partner_country)",
        )
        == []
    )


def test_envoys_and_missions(seeds_db):
    assert query(
        seeds_db, "select article_id, name, title, country_code from envoys order by id"
    ) == [
        (1, "Tuvshin Badral", "Ambassador", "MNG"),
        (1, "Shen Minjuan", "Ambassador", "CHN"),
        (4, "Batbayar Ulziidelger", "Ambassador", "MNG"),
        (4, "Richard Buangan", "Ambassador", "USA"),
    ]
    assert query(
        seeds_db,
        "select sending_country, host_city, host_country from missions where article_id = 3",
    ) == [("KAZ", "Ulaanbaatar", "MNG"), ("MNG", "Astana and Almaty", "KAZ")]


def test_traps_are_not_linked(seeds_db):
    def countries_of(fragment):
        return {
            code
            for (code,) in query(
                seeds_db,
                "select country_code from paragraph_countries pc join paragraphs p"
                " on p.id = pc.paragraph_id where p.text like :t",
                {"t": f"%{fragment}%"},
            )
        }

    # George W. Bush is not Georgia; Turks and Turkic are not Turkey.
    assert "GEO" not in countries_of("George W. Bush")
    assert "TUR" not in countries_of("Turkic")
    # The Republic of China of 1912 is China, not Taiwan.
    assert "TWN" not in countries_of("The Republic of China was established in 1912")


def test_an_event_type_word_may_not_be_an_alternation():
    """The cheap check before each type's regex looks for the text its words start with;
    for "truce|ceasefire" that is "truce", and a sentence with "ceasefire" alone would
    never reach the regex."""
    with pytest.raises(ValueError, match="give each alternative as a word"):
        literal_start("truce|ceasefire")
    assert literal_start(r"trad(?:e|ing)") == "trad"  # alternation inside a group: fine
    assert literal_start("agreements?") == "agreement"
    assert literal_start(r"a\|b") == "a"  # an escaped bar is a literal


@pytest.mark.parametrize("word", [r"(?:soft )?loans?", r"\w+aid", "a?"])
def test_an_event_type_word_must_start_with_letters(word):
    # No fixed letters to look for: every sentence would go through the type's regex.
    with pytest.raises(ValueError, match="start it with letters"):
        literal_start(word)


US_ARTICLE = ("MNG", "USA")  # the parties of the Mongolia–United States article


@pytest.mark.parametrize(
    "text, parties, expected",
    [
        # Recognition is an establishment, without the word "established".
        (
            "Japan recognized diplomatic ties with Mongolia in 1972.",
            (),
            [("1972", "establishment", [("JPN", 0), ("MNG", 0)])],
        ),
        # A semicolon ends a clause: each date takes its own clause's type.
        (
            (
                "The two countries signed a border treaty in 1962; Mongolia received aid from the"
                " United States in 1991."
            ),
            US_ARTICLE,
            [
                ("1962", "treaty", [("MNG", 0), ("USA", 0)]),
                ("1991", "aid", [("MNG", 0), ("USA", 0)]),
            ],
        ),
        # One date: the sentence's countries, each named one linked as named (0), even
        # when a clause of its own names none (the seeds' 1962 sentence).
        (
            (
                "President John F. Kennedy floated the idea of recognizing Mongolia in 1962, though"
                " this was opposed by Chiang Kai-shek's nationalist government in China, who"
                " continued to claim Mongolia, and whose government was recognized by the United"
                " States as controlling mainland China."
            ),
            US_ARTICLE,
            [("1962", "other", [("CHN", 0), ("MNG", 0), ("USA", 0)])],
        ),
    ],
)
def test_events_at_their_edges(text, parties, expected):
    events = paragraph_facts(text, parties, GAZETTEER).events
    assert [(e["date_text"], e["event_type"], e["countries"]) for e in events] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # The date an amount is "in" may sit past the paragraph's first sentence.
        ("Trade was small at first. Exports rose after 2010 to $60 million in 2011.", [2011]),
        # Parts of a total fall in its year; these, of other years, are none.
        (
            (
                "Aid totalled $100 million in 2010, including $60 million in 2011 and $40 million"
                " in 2012."
            ),
            [2010, 2011, 2012],
        ),
    ],
)
def test_amounts_in_paragraphs(text, expected):
    amounts = paragraph_facts(text, (), GAZETTEER).amounts
    assert [a["year"] for a in amounts] == expected
    assert [a["part_of_total"] for a in amounts] == [0] * len(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # A third country's visitor in the US article: the host is Mongolia, the visitor
        # stays Japan.
        (
            "Japanese Prime Minister Shinzo Abe visited Ulaanbaatar in October 2013.",
            ("Shinzo Abe", 2013, "JPN", "MNG", "Ulaanbaatar"),
        ),
        (
            (
                "Mongolian President Natsagiin Bagabandi came to Washington for a meeting in July"
                " 2004."
            ),
            ("Natsagiin Bagabandi", 2004, "MNG", "USA", "Washington"),
        ),
        # The visitor's country after the name.
        (
            "Prime Minister Shinzo Abe of Japan visited Ulaanbaatar in October 2013.",
            ("Shinzo Abe", 2013, "JPN", "MNG", "Ulaanbaatar"),
        ),
        (
            "President Natsagiin Bagabandi, of Mongolia, came to Washington in July 2004.",
            ("Natsagiin Bagabandi", 2004, "MNG", "USA", "Washington"),
        ),
        (
            "When Prime Minister Shinzo Abe of Japan visited Ulaanbaatar in October 2013.",
            ("Shinzo Abe", 2013, "JPN", "MNG", "Ulaanbaatar"),
        ),
        # Of no country: the office's.
        (
            "Secretary of State John Kerry, of the Obama Administration, visited in 2016.",
            ("John Kerry", 2016, "USA", "MNG", None),
        ),
        # No place said: in a bilateral article, the other party of a visitor's country.
        (
            "Mongolian President Natsagiin Bagabandi visited in July 2004.",
            ("Natsagiin Bagabandi", 2004, "MNG", "USA", None),
        ),
        # An office that names its country, in the article on that country's relations.
        (
            "Secretary of State James Baker visited in 1990.",
            ("James Baker", 1990, "USA", "MNG", None),
        ),
        # Neither side said: no countries.
        (
            "Prime Minister Chimediin Saikhanbileg visited in 2015.",
            ("Chimediin Saikhanbileg", 2015, None, None, None),
        ),
        # The date after the visit if there is one, else the last before it.
        (
            "After talks in 1990 and 1991, Secretary of State James Baker visited Ulaanbaatar.",
            ("James Baker", 1991, "USA", "MNG", "Ulaanbaatar"),
        ),
    ],
)
def test_visits_from_prose_at_their_edges(text, expected):
    (visit,) = paragraph_facts(text, US_ARTICLE, GAZETTEER).visits
    fields = ("person", "year", "visitor_country", "host_country", "location")
    assert tuple(visit[field] for field in fields) == expected


def test_infobox_missions_in_a_city_and_envoy_titles():
    envoys, missions = envoys_and_missions(
        [("Envoy1", "Ambassador A B"), ("Mission1", "Embassy of Mongolia in Washington, D.C.")],
        GAZETTEER,
    )
    assert envoys == [{"name": "A B", "title": "Ambassador", "country_code": "MNG"}]
    assert missions == [
        {
            "name": "Embassy of Mongolia in Washington, D.C.",
            "sending_country": "MNG",
            "host_city": "Washington, D.C.",
            "host_country": "USA",
        }
    ]
    # The infobox's own title for the envoy comes before the one in the name.
    envoys, _ = envoys_and_missions(
        [("Envoytitle1", "Chargé d'affaires"), ("Envoy1", "Ambassador A B")], GAZETTEER
    )
    assert envoys == [{"name": "A B", "title": "Chargé d'affaires", "country_code": None}]
