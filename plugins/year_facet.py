"""Facets by year and by decade: ?_facet_year=1, ?_facet_decade=1.

One result per year (or decade: value 1990, label "1990s", for 1990-1999) that
the table's rows are linked to (see links.py), with how many rows. The facet
keeps the most frequent values, as Datasette's facets do, and lists them in time
order. Toggling a value adds or removes ?_year=1992 or ?_decade=1990 (filters.py).
"""

import sys
from pathlib import Path

from datasette import hookimpl
from datasette.utils import module_from_path

# One copy of links.py for every plugin file (module_from_path alone makes one each).
links = sys.modules.get("relations_links") or sys.modules.setdefault(
    "relations_links",
    module_from_path(str(Path(__file__).with_name("links.py")), "relations_links"),
)


class YearFacet(links.LinkFacet):
    type = "year"
    kind = "year"
    scale = "year"
    parameter = "_year"

    @staticmethod
    def normalise(value):
        """' 1992' selects 1992 and '0992' the year 992, as the filter reads them."""
        value = value.strip()
        return str(int(value)) if links.YEAR.fullmatch(value) else value

    @staticmethod
    def result_value(value):
        return int(value)

    def order(self, rows):
        return sorted(rows, key=lambda row: row["value"])

    truncated_note = "the most frequent, in time order"

    def suggested(self, link):
        # Not where Datasette may suggest the table's own column named year: two "year"
        # links would read the same.
        return bool(link.through) or link.columns != ["year"]


class DecadeFacet(YearFacet):
    type = "decade"
    scale = "decade"
    parameter = "_decade"
    expression = links.DECADE

    def suggested(self, link):
        return True

    async def labels(self, values):
        return {value: f"{value}s" for value in values}


@hookimpl
def register_facet_classes():
    return [YearFacet, DecadeFacet]


@hookimpl
def startup(datasette):
    return links.start_counting_whole_tables(datasette, [YearFacet, DecadeFacet])
