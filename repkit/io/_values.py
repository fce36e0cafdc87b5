"""Cell values → typed columns: numbers, months, dates, codes, flags, lists.

Every converter takes the raw cells of one column (a list of Python objects as the
reader returned them: ``str`` for text, ``float``/``int`` for numbers, ``datetime`` for
Excel dates, ``""`` for blank) and returns the typed column plus a list of problems
``(position, value, rule, message)``. Values repeat a lot in company files (months,
hospitals, products), so converters parse each distinct value once and broadcast.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from repkit.messages import name_column, say
from repkit.schema import CODE_ALIASES, CODE_LISTS, RATING_LABELS

Bad = tuple[int, Any, str, str]
"""A problem: (position in the column, raw value, rule, message)."""


class _Refuse(Exception):
    """A value that cannot be read with certainty (rule, message)."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


BLANKS = frozenset({"", "-", "--", "—", "——", "－"})
"""Text that means "no value" (after stripping)."""

EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#CONNECT!",
        "#BUSY!",
    }
)


_SIMPLE_NUMBER = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")
"""Text that ``parse_number`` reads as ``float(text)``: the fast case of ERP exports."""


def normalise_text(value: str) -> str:
    """Full-width → half-width (NFKC), strip spaces incl. ideographic and no-break."""
    return unicodedata.normalize("NFKC", value).strip()


def is_blank(value: Any) -> bool:
    """True for empty cells and the dash-like placeholders of :data:`BLANKS`."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        if value[:1].isdigit() and _SIMPLE_NUMBER.fullmatch(value):
            return False  # the common case of number columns, decided without normalising
        return value.strip() in BLANKS or normalise_text(value) in BLANKS
    return False


# ----------------------------------------------------------------------------- numbers

_SPACE_THOUSANDS = re.compile(r"(?<=\d)\s(?=\d{3}(?!\d))")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_CURRENCY = ("¥", "￥", "RMB", "CNY", "人民币")
_SUFFIX = {"亿": 1e8, "万": 1e4, "千": 1e3, "元": 1.0}


def parse_number(text: str) -> float:
    """Parse one number written as text.

    Understands 1.2万, ¥1,234.50, (1,000), full-width digits, 12%, 1.5e3, -5.
    Raises :class:`_Refuse` for text that is not a number or is ambiguous (12,3).
    """
    s = normalise_text(text)
    original = text
    if re.search(r"\d\s+\d", s):
        s = _SPACE_THOUSANDS.sub("", s)
        if re.search(r"\d\s+\d", s):
            raise _Refuse("bad_number", say("bad_number.spaces", value=original))
    s = "".join(s.split())
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    for c in _CURRENCY:
        if s.startswith(c):
            s = s[len(c) :]
            break
    if s.startswith(("-", "−", "–")):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    for c in _CURRENCY:
        if s.startswith(c):
            s = s[len(c) :]
            break
    scale = 1.0
    if s.endswith("%"):
        scale, s = 0.01, s[:-1]
    elif s.endswith("‰"):
        scale, s = 0.001, s[:-1]
    if s.endswith("元"):
        s = s[:-1]
    if s and s[-1] in _SUFFIX:
        scale *= _SUFFIX[s[-1]]
        s = s[:-1]
    if "," in s:
        if not _THOUSANDS.match(s):
            raise _Refuse("ambiguous_number", say("ambiguous_number", value=original))
        s = s.replace(",", "")
    if not _PLAIN.match(s):
        raise _Refuse("bad_number", say("bad_number", value=original))
    value = float(s) * scale
    if scale not in (1.0, 0.01, 0.001):
        value = round(value, 6)
    return -value if negative else value


def _cell_error(value: Any) -> _Refuse | None:
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return _Refuse("excel_error", say("excel_error", error=value.strip()))
    return None


def _number(value: Any) -> float:
    if type(value) is str and _SIMPLE_NUMBER.fullmatch(value):
        return float(value)
    if isinstance(value, bool):
        raise _Refuse("bad_number", say("bad_number.yes_no", value=value))
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        if math.isnan(v):
            return v
        if math.isinf(v):
            raise _Refuse("bad_number", say("bad_number.infinite", value=value))
        return v
    if isinstance(value, str):
        err = _cell_error(value)
        if err:
            raise err
        return parse_number(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise _Refuse("bad_number", say("bad_number.date", value=value))
    raise _Refuse("bad_number", say("bad_number", value=value))


# ------------------------------------------------------------------------------ months

_MONTH_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(月(份)?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(
        r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
        r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$"
    ),
]
_MONTH_ONLY = re.compile(r"^(?P<m>\d{1,2})\s*月(份)?$")
_ENGLISH_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for m in names
}
_ENGLISH_MONTH = re.compile(r"^(?P<mn>[a-z]{3,9})[-\s/.']*(?P<y>\d{2}|\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 10959, 73050  # 1930-01-01 … 2099-12-31


class MissingYear(_Refuse):
    """A month written without its year (7月)."""


def _ymd(y: int, m: int, d: int = 1, original: Any = None) -> dt.date:
    if not 1900 <= y <= 2100:
        raise _Refuse("bad_date", say("bad_date.year", value=original, year=y))
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise _Refuse("bad_date", say("bad_date.invalid", value=original)) from None


def _date_from_number(v: float, original: Any, *, want_day: bool) -> dt.date:
    if v != int(v):
        if _SERIAL_MIN <= v <= _SERIAL_MAX:
            return _EXCEL_EPOCH + dt.timedelta(days=int(v))
        raise _Refuse("bad_date", say("bad_date", value=original))
    n = int(v)
    if 190001 <= n <= 210012 and 1 <= n % 100 <= 12:
        return _ymd(n // 100, n % 100, 1, original)
    if 19000101 <= n <= 21001231:
        return _ymd(n // 10000, n // 100 % 100, n % 100, original)
    if _SERIAL_MIN <= n <= _SERIAL_MAX:
        return _EXCEL_EPOCH + dt.timedelta(days=n)
    raise _Refuse("bad_date", say("bad_date", value=original))


def parse_date(value: Any, *, year: int | None = None, want_day: bool = False) -> dt.date:
    """Parse a month or a date from any form listed in design.md.

    2024年7月, 2024-07, 2024/7, 202407 (number or text), 2024/7/1, 2024-07-01, 20240701,
    Excel date cells and Excel serial numbers (45474). 202407 is always July 2024.
    Months without a year (7月) need ``year``.
    """
    if isinstance(value, bool):
        raise _Refuse("bad_date", say("bad_date.not_date", value=value))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).date()
    if isinstance(value, pd.Period):
        return value.start_time.date()
    if isinstance(value, int | float | np.integer | np.floating):
        return _date_from_number(float(value), value, want_day=want_day)
    if not isinstance(value, str):
        raise _Refuse("bad_date", say("bad_date.not_date", value=value))
    err = _cell_error(value)
    if err:
        raise err
    s = normalise_text(value)
    for pat in _MONTH_PATTERNS:
        m = pat.match(s)
        if m:
            d = int(m.group("d")) if "d" in pat.groupindex else 1
            return _ymd(int(m.group("y")), int(m.group("m")), d, value)
    m = _MONTH_ONLY.match(s)
    if m:
        if year is None:
            raise MissingYear(
                "bad_date", say("bad_date.no_year", value=value, month=int(m.group("m")))
            )
        return _ymd(int(year), int(m.group("m")), 1, value)
    m = _ENGLISH_MONTH.match(s.lower())
    if m and m.group("mn") in _ENGLISH_MONTHS:
        y = int(m.group("y"))
        return _ymd(y + 2000 if y < 100 else y, _ENGLISH_MONTHS[m.group("mn")], 1, value)
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return _date_from_number(float(s), value, want_day=want_day)
    raise _Refuse("bad_date", say("bad_date", value=value))


def parse_month(value: Any, *, year: int | None = None) -> pd.Period:
    """Parse a month (see :func:`parse_date`) into ``Period[M]``."""
    d = parse_date(value, year=year)
    return pd.Period(year=d.year, month=d.month, freq="M")


def parse_half(value: Any) -> str:
    """Parse a half-year (2026H1, 2026年上半年, 2026-H2) into ``"2026H1"`` form.

    The syntax is :meth:`repkit.calendar.Half.parse`'s; full-width characters are
    normalised first.
    """
    from repkit.calendar import Half

    if isinstance(value, str):
        try:
            return str(Half.parse(normalise_text(value)))
        except ValueError:
            pass
    raise _Refuse("bad_date", say("bad_date.half", value=value))


def parse_month_or_half(value: Any) -> str:
    """A half-year (``"2026H2"``) or a month (``"2026-07"``), as text.

    Overrides apply to a whole half or to one month; anything else is refused.
    """
    try:
        return parse_half(value)
    except _Refuse:
        pass
    try:
        return str(parse_month(value))
    except _Refuse as err:
        raise _Refuse(
            "bad_date",
            f"{value!r} is neither a month nor a half-year; write 2026-07 or 2026H2",
        ) from err


def parse_quota_period(value: Any) -> str:
    """Parse the period of a quota: a half ``2026H2``, a quarter ``2026Q3`` or a month.

    Text goes through :func:`repkit.calendar.parse_period`; other month forms (Excel
    dates, 202607, Jul-2026) are read as months (``"2026-07"``).
    """
    from repkit.calendar import parse_period

    if isinstance(value, str):
        try:
            return parse_period(normalise_text(value))
        except ValueError:
            pass
    try:
        return str(parse_month(value))
    except _Refuse:
        pass
    raise _Refuse(
        "bad_date",
        f"{value!r} is not a period; write a half 2026H2 (2026年下半年), a quarter 2026Q3 "
        "or a month 2026-07",
    )


# ------------------------------------------------------------------------------- other

_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "对", "有", "t", "x"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "不是", "无", "f", ""})


def parse_bool(value: Any) -> bool:
    """Yes/no flags: 是/否, Y/N, TRUE/FALSE, 1/0, √/×."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        s = normalise_text(value).lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise _Refuse("bad_code", say("bad_code.yes_no", value=value))


_LIST_SPLIT = re.compile(r"\s*[、,，;；/|\n]\s*")


def parse_list(value: Any) -> list[str]:
    """Split a list cell (心内科、呼吸内科) on 、 , ， ; ； / | and new lines."""
    if isinstance(value, str):
        s = normalise_text(value) if not value.isascii() else value.strip()
        return [part for part in _LIST_SPLIT.split(s) if part]
    return [code_text(value)]


_ID_EXACT_LIMIT = 1e15


def code_text(value: Any) -> str:
    """An ID or code as exact text: 1001.0 → "1001"; text kept as written (stripped)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise _Refuse("bad_code", say("bad_code.not_code", value=value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if value != int(value):
            raise _Refuse("bad_code", say("bad_code.fraction", value=value))
        if abs(value) >= _ID_EXACT_LIMIT:
            raise _Refuse("inexact_id", say("inexact_id", value=f"{value:.0f}"))
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        raise _Refuse("bad_code", say("bad_code.date", value=value))
    return str(value).strip()


def _code_parser(column_type: str) -> Callable[[Any], str]:
    valid = CODE_LISTS[column_type]
    lookup = {c.lower(): c for c in valid}
    lookup.update({k.lower(): v for k, v in CODE_ALIASES.get(column_type, {}).items()})
    lookup.update({normalise_text(k).lower(): v for k, v in CODE_ALIASES[column_type].items()})
    labels = [k for k, v in CODE_ALIASES[column_type].items()]

    def parse(value: Any) -> str:
        s = normalise_text(code_text(value)).lower().replace(" ", "")
        hit = lookup.get(s)
        if hit is None:
            shown = "、".join(dict.fromkeys([*valid, *labels[: 2 * len(valid)]]))
            raise _Refuse(
                "bad_code",
                say("bad_code", value=value, kind=name_column(column_type), valid=shown),
            )
        return hit

    return parse


_RATING_BY_LABEL = {normalise_text(v): k for k, v in RATING_LABELS.items()}


def parse_rating(value: Any) -> int:
    """An adoption rating 1–7 (number, or the seeds' label such as 常用)."""
    if isinstance(value, str):
        s = normalise_text(value)
        if s in _RATING_BY_LABEL:
            return _RATING_BY_LABEL[s]
    v = _number(value)
    if v != int(v) or not 1 <= v <= 7:
        raise _Refuse("out_of_range", say("out_of_range.rating", value=value))
    return int(v)


# --------------------------------------------------------------------------- columns

_NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float"})


class Column:
    """The raw cells of one column, factorised once (values repeat in company files).

    Parameters
    ----------
    raw
        1-D object array of cells as the reader returned them.
    """

    def __init__(self, raw: np.ndarray):
        self.raw = raw
        self.kind = pd.api.types.infer_dtype(raw, skipna=False) if len(raw) else "empty"
        self._codes: np.ndarray | None = None
        self._uniques: list[Any] | None = None
        self._blank: np.ndarray | None = None
        self._simple: np.ndarray | None = None

    @property
    def numeric(self) -> bool:
        """Every cell is a number (the fast path: no text to parse)."""
        return self.kind in _NUMERIC_KINDS

    @classmethod
    def of_codes(cls, raw: np.ndarray, codes: np.ndarray, uniques: list[str]) -> Column:
        """A text column whose cells a reader already factorised (``raw == uniques[codes]``).

        The codes are renumbered in order of first appearance, as ``pd.factorize`` of
        ``raw`` numbers them, so the problems come out in the same order.
        """
        out = cls.__new__(cls)
        out.raw = raw
        out.kind = "string" if len(raw) else "empty"
        new, seen = pd.factorize(codes)
        out._codes = new.astype(np.intp, copy=False)
        out._uniques = [uniques[i] for i in seen.tolist()]
        out._blank = out._simple = None
        return out

    def distinct(self) -> tuple[np.ndarray, list[Any]]:
        """Codes into the distinct values; bools are kept apart from 0/1."""
        if self._codes is None:
            raw = self.raw
            if self.kind in ("mixed", "boolean") or (
                self.kind not in ("string", "empty") and not self.numeric
            ):
                keyed = np.empty(len(raw), dtype=object)
                keyed[:] = [("<bool>", v) if type(v) is bool else v for v in raw]
                codes, uniques = pd.factorize(keyed)
                values = [u[1] if isinstance(u, tuple) else u for u in uniques]
            else:
                codes, uniques = pd.factorize(raw)
                values = list(uniques)
            if (codes < 0).any():  # None / NaN cells
                codes = np.where(codes < 0, len(values), codes)
                values.append(None)
            self._codes, self._uniques = codes, values
        return self._codes, self._uniques  # type: ignore[return-value]

    def simple(self) -> np.ndarray:
        """Per distinct value: plain number text (``-12.5``), never blank nor a label."""
        if self._simple is None:
            self._simple = _simple_numbers(self.distinct()[1])
        return self._simple

    def _flags(self, test: Callable[[Any], bool], numbers: bool) -> np.ndarray:
        """``test`` of each distinct value; plain numbers get ``numbers`` without a call."""
        uniques = self.distinct()[1]
        flags = np.full(len(uniques), numbers, dtype=bool)
        others = np.flatnonzero(~self.simple())
        flags[others] = np.fromiter(
            (bool(test(uniques[i])) for i in others.tolist()), dtype=bool, count=len(others)
        )
        return flags

    @property
    def blank(self) -> np.ndarray:
        """Mask of blank cells (empty, None, NaN, or a dash placeholder)."""
        if self._blank is None:
            if self.numeric:
                self._blank = np.isnan(self.raw.astype(float))
            else:
                codes, uniques = self.distinct()
                flags = self._flags(is_blank, numbers=False)
                self._blank = flags[codes] if len(uniques) else np.zeros(len(codes), dtype=bool)
        return self._blank

    def matches(self, test: Callable[[Any], bool], *, numbers: bool | None = None) -> np.ndarray:
        """Mask of cells whose value passes ``test`` (evaluated once per distinct value).

        ``numbers``: the answer of ``test`` for every plain number, when known (skips them).
        """
        if self.numeric:
            return np.zeros(len(self.raw), dtype=bool)
        codes, uniques = self.distinct()
        if numbers is None:
            flags = np.fromiter((bool(test(u)) for u in uniques), dtype=bool, count=len(uniques))
        else:
            flags = self._flags(test, numbers)
        return flags[codes] if len(uniques) else np.zeros(len(codes), dtype=bool)

    def take(self, keep: np.ndarray) -> Column:
        """The cells at positions ``keep`` (factorisation carried over)."""
        out = Column.__new__(Column)
        out.raw = self.raw[keep]
        out.kind = self.kind
        out._codes = self._codes[keep] if self._codes is not None else None
        out._uniques = self._uniques
        out._blank = self._blank[keep] if self._blank is not None else None
        out._simple = self._simple
        return out

    def parse(self, parse: Callable[[Any], Any], *, blank: Any) -> tuple[list[Any], list[Bad]]:
        """Parse every distinct value once; returns the parsed distinct values and problems.

        Blank cells parse to ``blank``; text showing an Excel error (#N/A) is refused.
        """
        codes, uniques = self.distinct()
        bad_unique: dict[int, tuple[str, str]] = {}
        out = np.empty(len(uniques), dtype=object)
        todo: Any = range(len(uniques))
        if parse is _number:
            simple = self.simple()  # what _number gives, without the checks below
            out[simple] = _floats([uniques[i] for i in np.flatnonzero(simple).tolist()])
            todo = np.flatnonzero(~simple).tolist()
        for i in todo:
            u = uniques[i]
            if is_blank(u):
                out[i] = blank
                continue
            try:
                err = _cell_error(u)
                if err:
                    raise err
                out[i] = parse(u)
            except _Refuse as err:
                out[i] = blank
                bad_unique[i] = (err.rule, err.message)
        parsed: list[Any] = out.tolist()
        problems: list[Bad] = []
        if bad_unique:
            is_bad = np.zeros(len(uniques), dtype=bool)
            is_bad[list(bad_unique)] = True
            for pos in np.flatnonzero(is_bad[codes]):
                u = int(codes[pos])
                rule, msg = bad_unique[u]
                problems.append((int(pos), uniques[u], rule, msg))
        return parsed, problems


_SIMPLE_ARROW = r"^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$"
"""``_SIMPLE_NUMBER`` for pyarrow (RE2: ``$`` is the end of the text only)."""


def _simple_numbers(uniques: list[Any]) -> np.ndarray:
    """Which values are plain numbers as text (``_SIMPLE_NUMBER``), vectorised when many."""
    if len(uniques) > 1000:
        try:
            import pyarrow as pa
            import pyarrow.compute as pc

            arr = pa.array(uniques, type=pa.string())
        except (ImportError, TypeError, ValueError):
            pass  # pyarrow not installed, or values other than text
        else:
            found = pc.match_substring_regex(arr, _SIMPLE_ARROW).fill_null(False)
            return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    return np.fromiter(
        (type(u) is str and _SIMPLE_NUMBER.fullmatch(u) is not None for u in uniques),
        dtype=bool,
        count=len(uniques),
    )


def _floats(texts: list[str]) -> list[float]:
    """``float(t)`` of each plain number as text."""
    return np.array(texts, dtype=object).astype(float).tolist()


def _column(values: Sequence[Any] | Column) -> Column:
    if isinstance(values, Column):
        return values
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return Column(arr)


def to_number(values: Sequence[Any] | Column) -> tuple[np.ndarray, list[Bad]]:
    """A float column; returns (values, problems)."""
    col = _column(values)
    if col.numeric:
        out = col.raw.astype(float)
        bad = np.flatnonzero(np.isinf(out))
        raw = col.raw
        return out, [
            (int(i), raw[i], "bad_number", say("bad_number.infinite", value=raw[i])) for i in bad
        ]
    parsed, probs = col.parse(_number, blank=np.nan)
    codes, _ = col.distinct()
    out = np.asarray(parsed, dtype=float)[codes] if len(codes) else np.zeros(0)
    return out, probs


_NAT = np.iinfo(np.int64).min


def to_month(
    values: Sequence[Any] | Column, *, year: int | None = None
) -> tuple[pd.PeriodIndex, list[Bad]]:
    """A ``Period[M]`` column; 202407 is July 2024, Excel serials are dates."""
    col = _column(values)
    if col.numeric and len(col.raw):
        num = col.raw.astype(float)
        whole = np.isfinite(num) & (num == np.floor(num))
        rest = np.mod(num, 100)
        if (whole & (num >= 190001) & (num <= 210012) & (rest >= 1) & (rest <= 12)).all():
            n = num.astype(np.int64)
            ordinal = (n // 100 - 1970) * 12 + (n % 100 - 1)
            return pd.PeriodIndex.from_ordinals(ordinal, freq="M"), []
    parsed, probs = col.parse(lambda v: parse_month(v, year=year).ordinal, blank=_NAT)
    codes, _ = col.distinct()
    ordinals = np.asarray(parsed, dtype=np.int64)
    return pd.PeriodIndex.from_ordinals(ordinals[codes], freq="M"), probs


def to_date(values: Sequence[Any] | Column) -> tuple[pd.DatetimeIndex, list[Bad]]:
    """A ``datetime64[ns]`` column (dates; times of day are kept when given)."""
    col = _column(values)

    def parse(v: Any) -> np.datetime64:
        if isinstance(v, dt.datetime):
            return np.datetime64(v, "ns")
        return np.datetime64(parse_date(v, want_day=True), "ns")

    parsed, probs = col.parse(parse, blank=np.datetime64("NaT", "ns"))
    codes, _ = col.distinct()
    stamps = np.asarray(parsed, dtype="datetime64[ns]")
    return pd.DatetimeIndex(stamps[codes]), probs


PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def _strings(uniques: list[Any], codes: np.ndarray) -> Any:
    """A pandas text array from distinct values and codes (built once, then taken)."""
    # pandas 3: "str" is the string dtype (missing stays missing); on pandas 2 "str" is
    # numpy text, which would turn a blank (None) into the text 'None': keep objects (NaN)
    if PANDAS_3:
        arr = pd.array(np.asarray(uniques, dtype=object), dtype="str")
    else:
        blanked = [np.nan if u is None else u for u in uniques]
        arr = pd.array(np.asarray(blanked, dtype=object), dtype=object)
    return arr.take(codes)


def to_column(
    values: Sequence[Any] | Column, column_type: str, *, year: int | None = None
) -> tuple[Any, list[Bad]]:
    """Convert one column by its logical type (see :class:`repkit.schema.Table`).

    Returns the typed values (array-like, one per cell) and the problems.
    """
    col = _column(values)
    if column_type == "float":
        return to_number(col)
    if column_type == "month":
        return to_month(col, year=year)
    if column_type == "date":
        return to_date(col)
    blank_value: Any = None
    if column_type in ("str", "code"):
        parse: Callable[[Any], Any] = code_text
        if col.kind == "string":
            codes, uniques = col.distinct()
            if all(
                u == u.strip() and u not in BLANKS and u.upper() not in EXCEL_ERRORS
                for u in uniques
            ):
                return _strings(uniques, codes), []
    elif column_type == "period":
        parse = parse_quota_period
    elif column_type == "month_or_half":
        parse = parse_month_or_half
    elif column_type == "bool":
        parse = parse_bool
    elif column_type == "rating":
        parse = parse_rating
    elif column_type == "list":
        parse = parse_list
    elif column_type in CODE_LISTS:
        parse = _code_parser(column_type)
    else:
        raise ValueError(f"unknown column type {column_type!r}")
    parsed, probs = col.parse(parse, blank=blank_value)
    codes, _ = col.distinct()
    if column_type == "list":
        return [list(parsed[c]) if parsed[c] is not None else [] for c in codes], probs
    if column_type in ("str", "code", "period", "month_or_half") or column_type in CODE_LISTS:
        return _strings(parsed, codes), probs
    uniq = np.empty(len(parsed), dtype=object)
    uniq[:] = parsed
    taken = uniq[codes]
    if column_type == "rating":
        return pd.array(taken, dtype="Int64"), probs
    if column_type == "bool":
        if any(p is None for p in parsed):
            return pd.array(taken, dtype="boolean"), probs
        return taken.astype(bool), probs
    return taken, probs
