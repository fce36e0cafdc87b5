"""Tables of an HTML page as a person reads them (shared by the page tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    """A table as a person sees it: heading rows, body rows, and where it was found."""

    where: str
    head: list[list[str]] = field(default_factory=list)
    body: list[list[str]] = field(default_factory=list)
    index_width: int = 0  # row-heading cells at the left of each body row


class _TableParser(HTMLParser):
    """Every ``<table>`` of a page: heading cells (``th`` in ``thead``, or the column
    headings of a pandas Styler) and body cells (``td``, and the row headings)."""

    def __init__(self, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where = where
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._in_head = False
        self._row: list[str] | None = None
        self._row_heads = 0
        self._only_th = True
        self._cell: list[str] | None = None
        self._cell_is_row_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append(Table(f"{self.where} table {len(self.tables) + 1}"))
        elif not self._stack:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row, self._row_heads, self._only_th = [], 0, True
        elif tag in ("td", "th"):
            self._cell = []
            self._only_th &= tag == "th"
            classes = (attrs.get("class") or "").split()
            self._cell_is_row_head = (
                tag == "th" and not self._in_head and "col_heading" not in (classes)
            )

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if not self._stack:
            return
        table = self._stack[-1]
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            if self._cell_is_row_head and len(self._row) == self._row_heads + 1:
                self._row_heads += 1
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head or (self._only_th and not table.head and not table.body):
                table.head.append(self._row)  # a table without <thead>: its first row
            else:
                table.body.append(self._row)
                table.index_width = max(table.index_width, self._row_heads)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.tables.append(self._stack.pop())


def tables_in_html(html: str, where: str) -> list[Table]:
    """Every table of an HTML page or fragment."""
    parser = _TableParser(where)
    parser.feed(html)
    parser.close()
    return parser.tables
