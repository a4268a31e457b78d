"""Show sums of money with thousands separators: 1,130,000,000 rather than 1130000000.0.

Which columns hold money is plugin configuration (metadata, plugin `money-cells`,
`columns`). Only the HTML changes: JSON and CSV keep the stored number.
"""

from datasette import hookimpl

PLUGIN = "money-cells"


def readable_money(value):
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


@hookimpl
def render_cell(value, column, datasette):
    columns = (datasette.plugin_config(PLUGIN) or {}).get("columns") or []
    if column in columns and isinstance(value, (int, float)) and not isinstance(value, bool):
        return readable_money(value)
    return None
