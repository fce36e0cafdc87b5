"""A training session: one week's notebook bound to the data, its exercises and progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from repkit.calendar import Half
from repkit.labels import label_frame
from repkit.messages import join, say
from repkit.training._core import Context, Exercise
from repkit.training._sessions import BUILDERS, SESSIONS, SessionInfo

if TYPE_CHECKING:  # pragma: no cover
    from repkit.dataset import Dataset


class Session:
    """One week's exercises bound to the learner's data (``ex.q1`` … ``ex.qN``).

    Use :func:`session` to make one.
    """

    def __init__(self, info: SessionInfo, context: Context) -> None:
        self.info = info
        self.context = context
        specs = BUILDERS[info.number]()
        self.exercises: dict[str, Exercise] = {
            f"q{i}": Exercise(f"{info.number}.{i}", spec, context)
            for i, spec in enumerate(specs, 1)
        }

    def __getattr__(self, name: str) -> Exercise:
        exercises = self.__dict__.get("exercises", {})
        if name in exercises:
            return exercises[name]
        raise AttributeError(
            say("training.exercise", number=self.info.number, name=name, valid=join(exercises))
        )

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self.exercises]

    @property
    def product(self) -> str:
        """The product sessions 6 and 7 work on: the biggest unit target of the next half."""
        from repkit.training._sessions import _focus_product

        return _focus_product(self.context)

    @property
    def as_of(self) -> pd.Period:
        """The month session 8 reviews at: the fourth month of the half (e.g. 2026-04)."""
        from repkit.training._sessions import _as_of

        return _as_of(self.context)

    @property
    def setup(self) -> str:
        """The code of the session's setup cell (names the exercises use), may be empty."""
        return self.info.setup

    def progress(self, *, codes: bool = False) -> pd.DataFrame:
        """Status of every exercise after the learner's last ``check()``.

        Parameters
        ----------
        codes
            True for the machine-readable table (English headings and status codes,
            for collecting a class's results); default: the table as the learner
            reads it (练习、题目、状态 正确/还不对/未作答/未检查).

        Returns
        -------
        DataFrame
            Columns ``exercise``, ``question``, ``status`` (``correct``, ``incorrect``,
            ``not_attempted``; ``not_checked`` when check was never run). Unless
            ``codes``, labelled through :mod:`repkit.labels` and indexed by the
            exercise (练习 1.1, 1.2 …), so the table shows no row numbers.
        """
        rows = [
            {
                "exercise": ex.label,
                "question": ex.spec.question,
                "status": ex.last.status if ex.last is not None else "not_checked",
            }
            for ex in self.exercises.values()
        ]
        table = pd.DataFrame(rows)
        if codes:
            return table
        shown = label_frame(table)
        return shown.set_index(shown.columns[0])

    def __repr__(self) -> str:
        lines = [f"第 {self.info.number} 周：{self.info.title}（{self.info.title_en}）"]
        lines += [f"  ex.{k}  {ex.spec.question}" for k, ex in self.exercises.items()]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        lines = [f"**第 {self.info.number} 周：{self.info.title}**（{self.info.title_en}）", ""]
        lines += [f"- `ex.{k}`：{ex.spec.question}" for k, ex in self.exercises.items()]
        return "\n".join(lines)


def session(
    number: int, ds: Dataset, *, region: str | None = None, half: str = "2026H1"
) -> Session:
    """The exercises of one weekly session, bound to the learner's data.

    Parameters
    ----------
    number
        Session number, 1–9 (see :data:`SESSIONS`).
    ds
        The data set the learner works on (``rk.load_dataset(folder)`` or
        ``rk.sample.generate()``), the whole company or one region.
    region
        Region the exercises are about; may be omitted when ``ds`` has one region.
    half
        The half-year under review, e.g. ``"2026H1"``; plans are made for the next one.

    Returns
    -------
    Session
        ``ex.q1`` … with ``check(answer)``, ``hint(n)``, ``solution()``.

    Raises
    ------
    ValueError
        Unknown session number or region, or no region given for a multi-region data set.

    Examples
    --------
    >>> ex = rk.training.session(4, rk.sample.generate(seed=0), region="兰州")
    >>> ex.q3
    练习 4.3：拜访记录里最常见的拜访目的是什么？（代码或中文名都可以）
    >>> ex.q3.check("增加用量").status
    'correct'
    """
    if number not in SESSIONS:
        raise ValueError(say("training.session", number=number, valid=join(map(str, SESSIONS))))
    regions = list(ds.regions)
    if region is None:
        if len(regions) != 1:
            raise ValueError(say("training.give_region", regions=join(regions)))
        region = regions[0]
    if region not in regions:
        raise ValueError(say("training.region", region=region, regions=join(regions)))
    context = Context(ds=ds, region=region, half=Half.parse(half))
    return Session(SESSIONS[number], context)
