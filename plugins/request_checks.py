"""Requests that Datasette 0.65 answers with a 500, or a misleading error, are a 400.

?_sort= and ?_sort_desc= by a column the table cannot be sorted by ("?_sort=country":
a facet, not a column): Datasette checks them after the filters and raises its generic
error. ?_facet_size= with a digit int() cannot read ("²" passes str.isdigit()), or with
more digits than int() takes (4,300), and, for a clear answer, any other that is not a
number from 1: Datasette ignores "abc" or "-1", and shows every facet empty for 0. The
checks run here first, from the filters hook, the one hook that runs before Datasette's
own checks, in Datasette's words where it has some. A ?_searchmode=raw search that FTS5
cannot read ('"third neighbor' without its closing quote) is, for Datasette, "Invalid
SQL": here FTS5's own complaint, asked of an empty table of the same columns
(search_query.py). A search longer than search_query.LONGEST_QUERY is a 400 in any mode,
and so is a search of a table without a full-text index, which Datasette ignores.

?_ttl= with a digit int() cannot read, or too many digits, fails every page Datasette
renders, not only a table's (its cache headers): any _ttl that is no number of seconds
is a 400, checked before the request reaches Datasette's router; so is a NUL character
anywhere in the query string, which SQLite refuses in a query (a 500 from ?_facet=%00).
"""

from pathlib import Path

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import await_me_maybe, module_from_path
from datasette.utils.asgi import BadRequest, Request
from datasette.views.table import TableView

# Of a number of seconds or a facet size: far more than either needs, far fewer than the
# 4,300 int() takes.
MOST_DIGITS = 18
search_query = module_from_path(str(Path(__file__).with_name("search_query.py")), "search_query")


async def sortable_columns(datasette, database, table):
    """The columns Datasette's table view lets a table be sorted by."""
    db = datasette.get_database(database)
    use_rowid = table not in await db.view_names() and not await db.primary_keys(table)
    return await TableView(datasette).sortable_columns_for_table(database, table, use_rowid)


def is_raw_search(request, table_metadata):
    """Whether ?_search= goes to FTS5 as written, as Datasette's search_filters decides."""
    mode = request.args.get("_searchmode")
    return mode == "raw" or (mode != "escaped" and table_metadata.get("searchmode") == "raw")


def search_keys(request):
    """?_search= and ?_search_<column>=: the searches of a table page."""
    return [key for key in request.args if key.startswith("_search") and key != "_searchmode"]


def check_search_length(request):
    """A search longer than a search box takes is a 400 in either mode: escaped, it would
    be quoted word by word into as many FTS5 phrases."""
    for key in search_keys(request):
        if len(request.args[key]) > search_query.LONGEST_QUERY:
            raise BadRequest(f"{key} is longer than {search_query.LONGEST_QUERY:,} characters")


async def fts_table(datasette, database, table):
    """The FTS table that ?_search= on table searches, as Datasette finds it, or None."""
    table_metadata = datasette.table_metadata(database, table)
    db = datasette.get_database(database)
    fts = table_metadata.get("fts_table") or await db.fts_table(table)
    return fts if fts and await db.table_exists(fts) else None


async def searched_fts_table(request, database, table, datasette):
    """The FTS table the page's search goes to, ?_fts_table= or the table's own, if it
    exists; else None."""
    named = request.args.get("_fts_table")
    if not named:
        return await fts_table(datasette, database, table)
    return named if await datasette.get_database(database).table_exists(named) else None


async def check_search_has_an_index(request, database, table, datasette, fts):
    """Datasette ignores a search of a table without a full-text index (fts None), and
    shows every row as if they all matched: a 400 that names the tables it may search."""
    searched = [key for key in search_keys(request) if request.args[key].strip()]
    if not searched or fts or request.args.get("_fts_table"):
        return  # a ?_fts_table= named, that one: Datasette answers for it
    db = datasette.get_database(database)
    hidden = set(await db.hidden_table_names())  # the FTS tables themselves among them
    searchable = [
        t
        for t in await db.table_names()
        if t not in hidden and await fts_table(datasette, database, t)
    ]
    raise BadRequest(
        f"{searched[0]} does not apply to {table}: it has no full-text index (the tables"
        f" that have one: {', '.join(searchable) or 'none'})"
    )


async def check_raw_search(request, database, table, datasette, fts):
    if not fts or not is_raw_search(request, datasette.table_metadata(database, table)):
        return
    db = datasette.get_database(database)
    # Not db.table_columns(): it holds FTS5's hidden columns too (the table's own name, rank).
    declared = await db.execute("select name from pragma_table_info(:fts)", {"fts": fts})
    columns = tuple(name for (name,) in declared)
    for key in search_keys(request):
        if error := search_query.fts_syntax_error(request.args[key], columns):
            raise BadRequest(
                f"{key} is not a search FTS5 can read ({error}); without _searchmode=raw"
                " the words are searched for as written"
            )


async def check_request(request, database, table, datasette):
    facet_size = request.args.get("_facet_size")
    if facet_size and not is_facet_size(facet_size):
        raise BadRequest("_facet_size must be a number from 1, or max")
    sort, sort_desc = request.args.get("_sort"), request.args.get("_sort_desc")
    if sort and sort_desc:
        raise BadRequest("Cannot use _sort and _sort_desc at the same time")
    column = sort or sort_desc
    if column and column not in await sortable_columns(datasette, database, table):
        raise BadRequest(f"Cannot sort table by {column}")
    check_search_length(request)
    if search_keys(request):
        fts = await searched_fts_table(request, database, table, datasette)
        await check_search_has_an_index(request, database, table, datasette, fts)
        await check_raw_search(request, database, table, datasette, fts)


def is_seconds(text):
    """Whether int() reads text as a whole number of seconds: ASCII digits only ("²"
    passes str.isdigit(), "٣" str.isdecimal()), MOST_DIGITS at most."""
    return text.isascii() and text.isdigit() and len(text) <= MOST_DIGITS


def is_facet_size(text):
    """A number from 1 that int() reads (Datasette's own way: "٣" is 3), or max."""
    return text == "max" or (text.isdecimal() and len(text) <= MOST_DIGITS and int(text) > 0)


async def error_response(datasette, request, exception):
    """Datasette's own error page (or JSON) for exception, as its router makes it."""
    for hook in pm.hook.handle_exception(datasette=datasette, request=request, exception=exception):
        if (response := await await_me_maybe(hook)) is not None:
            return response


def query_string_error(request):
    """BadRequest for a query string that fails pages Datasette renders, whichever: a
    _ttl that is no number of seconds, a NUL character (%00) anywhere (a 500 of SQLite's,
    "the query contains a null character", from ?_facet=, ?_where=, a column filter...);
    else None."""
    pairs = [(key, value) for key in request.args for value in request.args.getlist(key)]
    if any("\x00" in key + value for key, value in pairs):
        return BadRequest("The query string holds a NUL character (%00)")
    ttl = request.args.get("_ttl")
    if ttl and not is_seconds(ttl):
        return BadRequest("_ttl must be a number of seconds")
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] == "http":
                request = Request(scope, receive)
                if error := query_string_error(request):
                    response = await error_response(datasette, request, error)
                    return await response.asgi_send(send)
            await app(scope, receive, send)

        return checked

    return wrap


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def inner():
        await check_request(request, database, table, datasette)

    return inner
