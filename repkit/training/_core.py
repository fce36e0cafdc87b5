"""The exercise framework: feedback objects, exercises bound to data, answer comparisons.

Modelled on Kaggle's learntools: each exercise has ``check(answer)``, ``hint()`` and
``solution()``. An exercise that was not attempted (its answer is still ``...``) reports
"not attempted" instead of raising; a wrong answer gets a sentence that says what is
wrong (type, missing rows, percent instead of fraction, which value differs) rather
than an ``AssertionError``. Feedback text is Chinese because it is part of the course
narrative; the machine-readable ``Feedback.status`` is English.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from repkit.labels import TRAINING_STATUS_LABELS
from repkit.messages import say

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset

STATUSES: tuple[str, ...] = ("correct", "incorrect", "not_attempted")

_CODE = re.compile(r"`([^`]+)`")

_STATUS_TEXT = {
    "correct": (f"✔ {TRAINING_STATUS_LABELS['correct']}", "#548235"),
    "incorrect": (f"✘ {TRAINING_STATUS_LABELS['incorrect']}", "#c00000"),
    "not_attempted": (f"… {TRAINING_STATUS_LABELS['not_attempted']}", "#7f7f7f"),
}


class Wrong(Exception):
    """Raised by comparisons with the plain-language reason an answer is wrong."""


# --------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Feedback:
    """The result of ``check()``: a status and a sentence for the learner.

    Parameters
    ----------
    exercise
        Exercise label, e.g. ``"2.1"`` (session 2, exercise 1).
    status
        ``"correct"``, ``"incorrect"`` or ``"not_attempted"``.
    message
        What is right or wrong, in plain language (Chinese).

    Examples
    --------
    >>> fb = Feedback("1.1", "correct", "兰州 有 25 家医院。")
    >>> bool(fb), fb.status
    (True, 'correct')
    >>> print(fb)
    [correct] 练习 1.1 ✔ 正确：兰州 有 25 家医院。
    """

    exercise: str
    status: str
    message: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r}; valid: {', '.join(STATUSES)}")

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        label, _ = _STATUS_TEXT[self.status]
        return f"[{self.status}] 练习 {self.exercise} {label}：{self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        label, color = _STATUS_TEXT[self.status]
        text = _CODE.sub(r"<code>\1</code>", html.escape(self.message)).replace("\n", "<br>")
        return (
            f'<div class="rk-feedback rk-{self.status}" style="border-left:4px solid {color};'
            f'padding:4px 10px;margin:4px 0"><b style="color:{color}">练习 {self.exercise} '
            f"{label}</b>：{text}</div>"
        )


@dataclass(frozen=True)
class Note:
    """Markdown shown in the notebook (hints, solutions); prints as plain text.

    Examples
    --------
    >>> print(Note("提示", "用 `len()` 数行数。"))
    提示：用 `len()` 数行数。
    """

    title: str
    body: str

    def __str__(self) -> str:
        return f"{self.title}：{self.body}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return f"**{self.title}**：{self.body}"


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """The data an exercise's expected answer is computed from.

    Parameters
    ----------
    ds
        The learner's data set (the whole company or one region).
    region
        The region the session works on.
    half
        The half-year under review (e.g. ``"2026H1"``).
    """

    ds: Dataset
    region: str
    half: Any

    @cached_property
    def rds(self) -> Any:
        """The data set restricted to :attr:`region`."""
        if list(self.ds.regions) == [self.region]:
            return self.ds
        return self.ds.for_region(self.region)


# --------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Spec:
    """Definition of one exercise (the session modules build these).

    Parameters
    ----------
    question
        One-line question (Chinese), shown by ``Exercise.__repr__``.
    expected
        Function of a :class:`Context` returning the right answer.
    compare
        Function ``(answer, expected, context)`` that raises :class:`Wrong` with the
        reason when the answer is wrong; it may return a short praise text.
    hints
        Hints, from gentle to explicit.
    solution
        The solution code; it runs in the notebook's namespace (``rk``, ``ds``,
        ``region``, ``half`` and names defined by earlier cells) and assigns ``answer``.
    explain
        One or two sentences shown with the solution.
    """

    question: str
    expected: Callable[[Context], Any]
    compare: Callable[[Any, Any, Context], str | None]
    hints: tuple[str, ...]
    solution: str
    explain: str = ""


@dataclass
class Exercise:
    """One exercise bound to the learner's data: ``check``, ``hint``, ``solution``."""

    label: str
    spec: Spec
    context: Context
    last: Feedback | None = field(default=None, repr=False)

    @cached_property
    def _expected(self) -> Any:
        return self.spec.expected(self.context)

    def check(self, answer: Any = ...) -> Feedback:
        """Compare an answer with the expected one and say what is wrong, if anything.

        Parameters
        ----------
        answer
            The learner's answer. ``...`` (the placeholder in the exercise notebook)
            means the exercise was not attempted.

        Returns
        -------
        Feedback
            Displayed in the notebook; ``bool(feedback)`` is True when correct.
        """
        if answer is ...:
            fb = Feedback(
                self.label,
                "not_attempted",
                "把 `...` 换成你的答案，再运行这个单元格。需要帮助时运行 "
                f"`ex.q{self.label.split('.')[1]}.hint()`。",
            )
        else:
            try:
                praise = self.spec.compare(answer, self._expected, self.context)
            except Wrong as err:
                fb = Feedback(self.label, "incorrect", str(err))
            except Exception as err:  # a strange answer must not break the lesson
                fb = Feedback(
                    self.label,
                    "incorrect",
                    f"无法比较这个答案（{type(answer).__name__}: {err}）。请看题目要求的类型。",
                )
            else:
                fb = Feedback(self.label, "correct", praise or "答案正确。")
        self.last = fb
        return fb

    def hint(self, n: int = 1) -> Note:
        """Show hint number ``n`` (1 = the gentlest)."""
        hints = self.spec.hints
        if not 1 <= n <= len(hints):
            raise ValueError(say("training.hint", label=self.label, n=len(hints), got=n))
        more = f"（还有 {len(hints) - n} 条提示：`hint({n + 1})`）" if n < len(hints) else ""
        return Note(f"练习 {self.label} 提示 {n}/{len(hints)}", hints[n - 1] + more)

    def solution(self) -> Note:
        """Show the solution code and why it works."""
        body = f"\n```python\n{self.spec.solution.strip()}\n```\n"
        if self.spec.explain:
            body += "\n" + self.spec.explain
        return Note(f"练习 {self.label} 参考答案", body)

    def __repr__(self) -> str:
        return f"练习 {self.label}：{self.spec.question}"


# --------------------------------------------------------------------------- comparisons


def passes(check: Callable[..., None], *args: Any, ok: str = "对。", **kw: Any) -> str:
    """Run a check (which raises :class:`Wrong`) and give the confirmation ``ok``.

    Examples
    --------
    >>> passes(choice, "Act", "act", options={"act": "处理 Act"}, ok="对。")
    '对。'
    """
    check(*args, **kw)
    return ok


def fmt(value: Any) -> str:
    """Format a value for a feedback sentence (thousands separators, 4 significant digits).

    Examples
    --------
    >>> fmt(12345.678), fmt(0.58312), fmt(3), fmt("瑞心安片")
    ('12,346', '0.5831', '3', '瑞心安片')
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isnan(v):
            return "空值(NaN)"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.4g}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _close(a: float, b: float, rel: float, abs_: float) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def number(
    answer: Any,
    expected: float,
    *,
    rel: float = 1e-3,
    abs_tol: float = 1e-9,
    rate: bool = False,
    integer: bool = False,
    what: str = "答案",
) -> None:
    """Raise :class:`Wrong` unless ``answer`` is a number close to ``expected``.

    Recognises the usual slips: a one-element Series or DataFrame instead of a number,
    a percentage (58.3) where a fraction (0.583) is expected, a value off by a factor
    of 10,000 (万), the wrong sign.

    Examples
    --------
    >>> number(0.5831, 0.58312, rate=True)
    >>> try:
    ...     number(58.3, 0.583, rate=True)
    ... except Wrong as err:
    ...     print("百分数" in str(err))
    True
    """
    if isinstance(answer, pd.Series | pd.DataFrame) and answer.size == 1:
        raise Wrong(
            f"{what}应该是一个数，你给的是只有一个值的 {type(answer).__name__}。"
            "取出这个值，例如 `.item()` 或 `.sum()`。"
        )
    if isinstance(answer, str):
        try:
            float(answer.replace(",", "").rstrip("%"))
        except ValueError:
            pass
        else:
            raise Wrong(f"{what}应该是数字，你给的是文字 {answer!r}。去掉引号，写成数字。")
    if not _is_number(answer):
        raise Wrong(f"{what}应该是一个数，你给的是 {type(answer).__name__}。")
    a, e = float(answer), float(expected)
    if math.isnan(a):
        raise Wrong(f"{what}是空值(NaN)：是不是有一步除以了 0，或者漏掉了数据？")
    if _close(a, e, rel, abs_tol):
        if integer and not float(a).is_integer():
            raise Wrong(f"{what}应该是整数（{fmt(e)}），你给的是 {a}。")
        return
    if rate and e != 0 and _close(a, e * 100, rel, abs_tol):
        raise Wrong(
            f"看起来你给的是百分数（{fmt(a)}）；"
            f"repkit 里比率用 0–1 的小数表示，应为 {fmt(e)} 左右。"
        )
    if e != 0 and _close(a, -e, rel, abs_tol):
        raise Wrong(f"{what}的符号反了：你给的是 {fmt(a)}，差一个负号。检查减法的顺序。")
    for factor, unit in ((1e4, "万"), (1e-4, "万")):
        if e != 0 and _close(a, e * factor, rel, abs_tol):
            raise Wrong(f"{what}差了 {unit} 的倍数：你给的是 {fmt(a)}，单位换算检查一下。")
    if rate and e != 0 and abs(a) > 1.5 and abs(e) <= 1.5:
        raise Wrong(f"比率一般在 0–1 之间，你给的 {fmt(a)} 太大了。分子分母是否放反了？")
    direction = "偏大" if a > e else "偏小"
    if e != 0 and not rate:
        share = abs(a - e) / abs(e)
        raise Wrong(
            f"{what} {fmt(a)} {direction}了约 {share:.0%}。检查筛选条件（区域、期间、品种）。"
        )
    raise Wrong(f"{what} {fmt(a)} {direction}了。检查筛选条件和计算步骤。")


def choice(answer: Any, expected: str, *, options: Mapping[str, str], what: str = "答案") -> None:
    """Raise :class:`Wrong` unless ``answer`` names the expected option (code or label).

    Parameters
    ----------
    options
        Code → label; the code, the label or any space-separated word of the label is
        accepted (case and surrounding spaces ignored).

    Examples
    --------
    >>> choice("增加用量", "increase_use", options={"increase_use": "增加用量"})
    >>> choice("Act", "act", options={"act": "处理 Act"})
    """
    if not isinstance(answer, str):
        raise Wrong(f"{what}应该是文字（选项的代码或中文名），你给的是 {type(answer).__name__}。")
    text = answer.strip().lower()
    codes: dict[str, str] = {}
    for code, label in options.items():
        for name in (code, label, *str(label).split()):
            codes.setdefault(str(name).strip().lower(), code)
    if text not in codes:
        valid = "、".join(f"{v}（{k}）" for k, v in options.items())
        raise Wrong(f"“{answer.strip()}”不是可选项。可选：{valid}。")
    code = codes[text]
    if code != expected:
        raise Wrong(f"不是“{options.get(code, code)}”。再看看数据，或运行 hint()。")


def _to_series(answer: Any, key: list[str], value: str, what: str) -> pd.Series:
    """Turn the learner's table (Series, DataFrame or dict) into key → value."""
    if isinstance(answer, Mapping):
        answer = pd.Series(answer)
    if isinstance(answer, pd.DataFrame):
        frame = answer.reset_index() if not set(key) <= set(answer.columns) else answer
        missing = [c for c in key if c not in frame.columns]
        if missing:
            raise Wrong(f"{what}缺少列 {missing}。需要的列：{[*key, value]}。")
        values = [c for c in frame.columns if c not in key and c != "index"]
        if value in frame.columns:
            col = value
        elif len(values) == 1:
            col = values[0]
        else:
            raise Wrong(
                f"{what}缺少列 {value!r}（现有列：{list(frame.columns)}）。"
                f"把结果列命名为 {value!r}。"
            )
        if frame.duplicated(key).any():
            dup = frame.loc[frame.duplicated(key), key].iloc[0].tolist()
            raise Wrong(f"{what}里 {dup} 出现了不止一次：是不是少了一步 groupby 汇总？")
        return frame.set_index(key)[col]
    if isinstance(answer, pd.Series):
        if answer.index.has_duplicates:
            raise Wrong(f"{what}的索引有重复值：是不是少了一步 groupby 汇总？")
        return answer
    raise Wrong(
        f"{what}应该是表格（pandas Series 或 DataFrame），你给的是 {type(answer).__name__}。"
    )


def _labels(index: Iterable[Any]) -> list[str]:
    return [" / ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in index]


def table(
    answer: Any,
    expected: pd.Series,
    *,
    value: str,
    rel: float = 1e-3,
    abs_tol: float = 1e-6,
    rate: bool = False,
    what: str = "结果",
) -> None:
    """Raise :class:`Wrong` unless ``answer`` has the expected value for every key.

    ``expected`` is a Series whose index names are the key columns. The answer may be a
    Series indexed the same way, a DataFrame with the key columns (or index) and a
    ``value`` column, or a dict.

    Examples
    --------
    >>> exp = pd.Series([3, 5], index=pd.Index(["3A", "2"], name="level"), name="n")
    >>> table({"3A": 3, "2": 5}, exp, value="n")
    >>> table({"3A": 3}, exp, value="n")
    Traceback (most recent call last):
    ...
    repkit.training._core.Wrong: 结果缺少 1 行：2。检查筛选条件，或是否把某些行过滤掉了。
    """
    key = [str(n) for n in expected.index.names]
    got = _to_series(answer, key, value, what)
    if got.index.nlevels != expected.index.nlevels:
        raise Wrong(
            f"{what}应该按 {key} 分组（{len(key)} 层索引），你的有 {got.index.nlevels} 层。"
        )
    got_keys = {tuple(map(str, k)) if isinstance(k, tuple) else str(k) for k in got.index}
    exp_map = {
        (tuple(map(str, k)) if isinstance(k, tuple) else str(k)): v for k, v in expected.items()
    }
    missing = [k for k in exp_map if k not in got_keys]
    extra = [k for k in got_keys if k not in exp_map]
    if missing:
        shown = "、".join(_labels(missing[:5]))
        more = f" 等 {len(missing)} 行" if len(missing) > 5 else ""
        raise Wrong(
            f"{what}缺少 {len(missing)} 行：{shown}{more}。检查筛选条件，或是否把某些行过滤掉了。"
        )
    if extra:
        shown = "、".join(_labels(sorted(extra)[:5]))
        raise Wrong(f"{what}多了 {len(extra)} 行：{shown}。是不是没有按区域或期间筛选？")
    got_map = {(tuple(map(str, k)) if isinstance(k, tuple) else str(k)): v for k, v in got.items()}
    wrong = []
    for k, e in exp_map.items():
        a = got_map[k]
        if _is_number(e):
            if not _is_number(a) or math.isnan(float(a)):
                if isinstance(e, float) and math.isnan(e) and pd.isna(a):
                    continue
                wrong.append((k, a, e))
            elif not _close(float(a), float(e), rel, abs_tol):
                wrong.append((k, a, e))
        elif str(a) != str(e):
            wrong.append((k, a, e))
    if not wrong:
        return
    if rate and all(
        _is_number(a) and _close(float(a), float(e) * 100, rel, abs_tol) for _, a, e in wrong
    ):
        raise Wrong(
            "看起来你给的是百分数；repkit 里比率用 0–1 的小数表示（例如 0.58，而不是 58）。"
        )
    k, a, e = wrong[0]
    others = f"（另有 {len(wrong) - 1} 行也不对）" if len(wrong) > 1 else ""
    raise Wrong(
        f"{_labels([k])[0]} 这一行的 {value} 是 {fmt(a)}，应为 {fmt(e)}{others}。"
        "检查计算口径（期间、单位、分子分母）。"
    )


def members(answer: Any, expected: Iterable[Any], *, what: str = "名单") -> None:
    """Raise :class:`Wrong` unless ``answer`` holds exactly the expected items (any order).

    Examples
    --------
    >>> members(["b", "a"], ["a", "b"])
    >>> members(["a"], ["a", "b"])
    Traceback (most recent call last):
    ...
    repkit.training._core.Wrong: 名单少了 1 项：b。
    """
    if isinstance(answer, str) or not isinstance(
        answer, list | tuple | set | frozenset | pd.Series | pd.Index | np.ndarray
    ):
        raise Wrong(f"{what}应该是一个列表，你给的是 {type(answer).__name__}。")
    got = [str(v) for v in (answer.tolist() if hasattr(answer, "tolist") else answer)]
    exp = [str(v) for v in expected]
    if len(set(got)) != len(got):
        raise Wrong(f"{what}里有重复项：用 `.unique()` 或 `set()` 去重。")
    missing = sorted(set(exp) - set(got))
    extra = sorted(set(got) - set(exp))
    parts = []
    if missing:
        parts.append(f"少了 {len(missing)} 项：{'、'.join(missing[:5])}")
    if extra:
        parts.append(f"多了 {len(extra)} 项：{'、'.join(extra[:5])}")
    if parts:
        raise Wrong(f"{what}{'；'.join(parts)}。")


def integers_summing(answer: Any, expected: pd.Series, *, what: str = "分解结果") -> None:
    """Check an integer allocation: same keys, integers, exact total, values as expected.

    Examples
    --------
    >>> exp = pd.Series([4, 3, 3], index=pd.Index(["a", "b", "c"], name="k"), name="units")
    >>> integers_summing(pd.Series([4.0, 3.0, 3.0], index=exp.index), exp)
    >>> integers_summing(pd.Series([3.3, 3.3, 3.4], index=exp.index), exp)
    Traceback (most recent call last):
    ...
    repkit.training._core.Wrong: 分解结果里有小数（3.3）：指标要分成整数，用 rk.plan.allocate。
    """
    got = _to_series(answer, [str(n) for n in expected.index.names], str(expected.name), what)
    values = pd.to_numeric(got, errors="coerce")
    if values.isna().any():
        raise Wrong(f"{what}里有空值或非数字。")
    frac = values[values != values.round()]
    if len(frac):
        raise Wrong(f"{what}里有小数（{fmt(frac.iloc[0])}）：指标要分成整数，用 rk.plan.allocate。")
    if values.sum() != expected.sum():
        raise Wrong(
            f"{what}合计是 {fmt(values.sum())}，应等于总数 {fmt(expected.sum())}："
            "分解后的整数必须加起来正好等于总数。"
        )
    table(got, expected, value=str(expected.name), what=what)
