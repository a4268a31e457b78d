"""On a table page, the descriptions of its columns (metadata.yml) fold into one line that
opens them, "What each column holds": listed in full, as Datasette 0.65 lists them, they
came before the first row (600 px of them on a laptop for events, more than a screen on
a phone). Without JavaScript they stay as Datasette shows them.
"""

from datasette import hookimpl

FOLD_COLUMN_NOTES = """
document.querySelectorAll("dl.column-descriptions").forEach(function (notes) {
  var folded = document.createElement("details");
  folded.className = "column-notes";
  var line = document.createElement("summary");
  line.textContent = "What each column holds (" + notes.querySelectorAll("dt").length + ")";
  folded.appendChild(line);
  notes.parentNode.insertBefore(folded, notes);
  folded.appendChild(notes);
});
"""


@hookimpl
def extra_body_script(view_name):
    return FOLD_COLUMN_NOTES if view_name == "table" else None
