"""Plain text copied from Wikipedia or its mirrors -> the seed text format.

A copied page carries the site around the article ("Jump to content", "From
Wikipedia, the free encyclopedia", the footer), headings marked only by an
``[edit]`` line or glued to one (``[edit]Early contacts``, ``History[edit]``),
an infobox flattened into loose lines and the references list. This rewrites
such lines into the seed format (``= Title =``, ``Infobox``, ``== H ==``,
``- item``) so one parser reads both.

Heading levels survive in one place only: a numbered table of contents ("1 History",
"1.1 Early contacts"), which copies of the 2010 skin and of most mirrors carry. The
2022 skin hides the numbers, so its copies, and copies without a contents box, have
every heading at level 2.
"""

import re
from itertools import takewhile

from .document import APPARATUS_SECTIONS

TAGLINE = "From Wikipedia, the free encyclopedia"
EDIT = "[edit]"
GLUED_HEADING = re.compile(r"^\[edit\]\s*(?P<before>.+)$|^(?P<after>.+?)\s*\[edit\]$")
# Site chrome a copy picks up around the article.
HEADER_LINES = {
    "Jump to content", "Main menu", "Search", "Navigation", "Contents", "hide", "(Top)",
    "Toggle the table of contents", "Appearance", "Donate", "Create account", "Log in",
    "Personal tools", "Tools", "Article", "Talk", "Read", "Edit", "View history",
}  # fmt: skip
# The language menu's button, which sits between the title and the tagline.
LANGUAGES = re.compile(r"^(?:\d[\d,]* languages?|Add languages|Add links)$")
FOOTER = re.compile(
    r"^(?:Retrieved from\b|Categories?:|Hidden categories:|This page was last edited"
    r"|Text is available under the Creative Commons)"
)
LIST_SECTIONS = {"see also"}
# Notes above a section that point to other articles: no prose of this one.
HATNOTE = re.compile(r"^(?:Main articles?|See also|Further information|Further|Details):\s")
# The first line of prose ends the flattened infobox: a sentence of some length.
PROSE_LINE = re.compile(r"^\S.{40,}[.!?][\"”’)]?(?:\[\w+\])*$")
# The contents box: its title line, then "1 History", "1.1 Early contacts"...
CONTENTS_TITLE = re.compile(r"^Contents\s*(?:\[?hide\]?)?$")
CONTENTS_ENTRY = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3}){0,4})\s+(?P<heading>\S.*)$")
CONTENTS_CHROME = {"", "hide", "[hide]", "(Top)"}
# The 2022 skin's box has no numbers, but it ends with its own button.
CONTENTS_END = "Toggle the table of contents"


SEED_MARKUP = re.compile(r"^=.*=$")


def is_mirror_copy(lines):
    """A copy of a rendered page, not the seed format (which marks headings with '=')."""
    head = [line.strip() for line in lines[:60]]
    if TAGLINE in head or "Jump to content" in head:
        return True
    # Most files are in the seed format: rule them out before looking at every line.
    if any(SEED_MARKUP.match(line.strip()) for line in lines):
        return False
    return any(GLUED_HEADING.match(line.strip()) or line.strip() == EDIT for line in lines)


def heading_at(lines, index):
    """The heading text if lines[index] is a heading of the copy, else None."""
    line = lines[index]
    if line == EDIT:
        return None
    if match := GLUED_HEADING.match(line):
        return (match.group("before") or match.group("after")).strip()
    following = next((lines[i] for i in range(index + 1, len(lines)) if lines[i]), None)
    return line if following == EDIT else None


def contents_box(lines):
    """Heading -> its levels in order (one per heading of that name) and the range of
    the contents box's lines; levels are known only from a numbered box.

    ({}, range(0)) when there is no box.
    """
    start = next((i for i, line in enumerate(lines) if CONTENTS_TITLE.match(line)), None)
    if start is None:
        return {}, range(0)
    levels, last = numbered_entries(lines, start)
    if levels:
        return levels, range(start, last + 1)
    return {}, unnumbered_box(lines, start)


def numbered_entries(lines, start):
    """Heading -> levels from the numbered entries after the box's title at lines[start],
    and the index of the last entry ({} and None if there is none).

    Entries count as the box only while their numbers follow in contents order
    (1, 1.1, 1.2, 2...), so a line of prose starting with a number ends it.
    """
    levels, previous, last = {}, (), None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        match = CONTENTS_ENTRY.match(line)
        number = tuple(map(int, match["number"].split("."))) if match else None
        if number and follows(previous, number):
            levels.setdefault(match["heading"], []).append(min(len(number) + 1, 6))
            previous, last = number, index
        elif line not in CONTENTS_CHROME:
            break
    return levels, last


def unnumbered_box(lines, start):
    """The range of a 2022-skin box, from its title at lines[start] to "Toggle the table
    of contents"; its entries would otherwise read as infobox values. range(0) if the
    button is missing, or if a sentence comes first: a box holds no prose."""
    if CONTENTS_END not in lines[start:]:
        return range(0)
    end = lines.index(CONTENTS_END, start)
    if any(PROSE_LINE.match(line) for line in lines[start:end]):
        return range(0)
    return range(start, end + 1)


def follows(previous, number):
    """Whether ``number`` can come next after ``previous`` in a contents box."""
    if not previous:
        return number == (1,)
    if number == previous + (1,):  # the first subsection
        return True
    depth = len(number)  # the next section at this depth
    return depth <= len(previous) and number == previous[: depth - 1] + (previous[depth - 1] + 1,)


def infobox_lines(zone):
    """Flattened infobox lines -> '- Key: Value' lines.

    A label line ('Envoy') is followed by one tab-separated value per party;
    a line that is neither ('Kazakhstan') is kept as a value of its own.
    """
    fields, label = [], None
    for line in zone:
        if "\t" in line:
            fields.extend((label or "Value", value.strip()) for value in line.split("\t"))
            label = None
        elif label is not None:
            fields.append(("Value", label))
            label = line
        else:
            label = line
    if label is not None:
        fields.append(("Value", label))
    return ["Infobox"] + [f"- {key}: {value}" for key, value in fields if value] if fields else []


def is_chrome(line):
    """A line of the site around the article: a menu, a tab, the language button."""
    return line in HEADER_LINES or bool(LANGUAGES.match(line))


def title_before(lines, end):
    """The last line before lines[end] that is not site chrome: the page's title."""
    before = [line for line in lines[:end] if line and not is_chrome(line)]
    return before[-1] if before else None


def unmirror(lines):
    """Rewrite a mirror copy's lines into seed-format lines."""
    lines = [line.strip() for line in lines]
    levels, box = contents_box(lines)
    lines = [line for index, line in enumerate(lines) if index not in box]
    if TAGLINE in lines:
        tagline = lines.index(TAGLINE)
        title, body = title_before(lines, tagline), lines[tagline + 1 :]
    else:
        # Without the tagline, the 2022 skin's title is the line before "2 languages",
        # which comes before the article's first sentence (a 2010 skin's comes after).
        head = takewhile(lambda line: not PROSE_LINE.match(line), lines)
        button = next((i for i, line in enumerate(head) if LANGUAGES.match(line)), 0)
        title, body = title_before(lines, button), [line for line in lines if not is_chrome(line)]
    if body and title and body[0] == title:
        body = body[1:]

    first_prose = next(
        (i for i, line in enumerate(body) if PROSE_LINE.match(line) or heading_at(body, i)),
        len(body),
    )
    output = [f"= {title} =", ""] if title else []
    output += infobox_lines([line for line in body[:first_prose] if line]) + [""]

    section = None
    for index in range(first_prose, len(body)):
        line = body[index]
        if FOOTER.match(line):
            break
        if line == EDIT:
            continue
        if heading := heading_at(body, index):
            section = heading.lower()
            if section in APPARATUS_SECTIONS:  # nothing after them is prose
                break
            marks = "=" * (levels[heading].pop(0) if levels.get(heading) else 2)
            output += ["", f"{marks} {heading} {marks}", ""]
        elif section in LIST_SECTIONS and line and not line.startswith(("-", "*", "|")):
            output.append(f"- {line}")
        elif "\t" in line:  # a table's row as a browser copies it: cells between tabs
            output.append("| " + " | ".join(cell.strip() for cell in line.split("\t")) + " |")
        elif not HATNOTE.match(line):
            output.append(line)
    return output
