"""Show FTS5 snippet() highlights as <mark> in HTML, safely.

The canned search query wraps matches in <mark>...</mark>. Datasette escapes cell
values, so the marks would show as text: this escapes the whole value first, then
restores only those exact tags. Which columns get this is plugin configuration.
"""

from datasette import hookimpl
from markupsafe import Markup, escape

PLUGIN = "search-highlight"
OPEN, CLOSE = "<mark>", "</mark>"


def highlight(value):
    escaped = str(escape(value))
    return Markup(escaped.replace(str(escape(OPEN)), OPEN).replace(str(escape(CLOSE)), CLOSE))


@hookimpl
def render_cell(value, column, database, datasette):
    config = datasette.plugin_config(PLUGIN, database=database) or {}
    if column in config.get("columns", []) and isinstance(value, str) and OPEN in value:
        return highlight(value)
    return None
