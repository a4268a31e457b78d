"""Facet by country: ?_facet_country=1, or `facets: [{country: 1}]` in metadata.

Each result is a country the table's rows are linked to (see links.py for how a
table reaches its countries): value is the ISO 3166 alpha-3 code, label the
country's name, count the number of rows linked to it. Toggling a value adds or
removes ?_country=CODE (filters.py); repeated, it keeps rows linked to all of them.
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


class CountryFacet(links.LinkFacet):
    type = "country"
    kind = "country"
    parameter = "_country"

    @staticmethod
    def normalise(value):
        return links.code_upper(value.strip())

    async def labels(self, values):
        names = await links.country_names(self.ds, self.database, values)
        return {value: names.get(value, value) for value in values}


@hookimpl
def register_facet_classes():
    return [CountryFacet]


@hookimpl
def startup(datasette):
    return links.start_counting_whole_tables(datasette, [CountryFacet])
