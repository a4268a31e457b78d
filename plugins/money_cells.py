"""Show sums of money with thousands separators: 1,130,000,000 rather than 1130000000.0.

Which columns hold money is plugin configuration (metadata, plugin `money-cells`,
`columns`). Only the HTML changes: JSON and CSV keep the stored number. Templates
write a sum the same way with the filter `money` (the country pages' amounts).
"""

import math

from datasette import hookimpl

PLUGIN = "money-cells"


def readable_money(value):
    """1130000000.0 -> '1,130,000,000', 12.5 -> '12.50'; None -> ''; other text as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return "" if value is None else str(value)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["money"] = readable_money


@hookimpl
def render_cell(value, column, datasette):
    columns = (datasette.plugin_config(PLUGIN) or {}).get("columns") or []
    if column in columns and isinstance(value, int | float) and not isinstance(value, bool):
        return readable_money(value)
    return None
