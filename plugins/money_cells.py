"""Show sums of money with thousands separators: 1,130,000,000 rather than 1130000000.0.

Which columns hold money is plugin configuration (metadata, plugin `money-cells`,
`columns`). Only the HTML changes: JSON and CSV keep the stored number. Templates
write a sum the same way with the filter `money` (the country pages' amounts).
"""

import math

from datasette import hookimpl

PLUGIN = "money-cells"


def readable_money(value):
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["money"] = readable_money


@hookimpl
def render_cell(value, column, datasette):
    columns = (datasette.plugin_config(PLUGIN) or {}).get("columns") or []
    if column not in columns or isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return readable_money(value)
    return None
