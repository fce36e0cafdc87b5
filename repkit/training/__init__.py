"""Weekly training sessions: exercises with ``check()``, ``hint()`` and ``solution()``.

The curriculum in ``notebooks/training/`` has one notebook per week. Each binds the
week's exercises to the learner's data and checks answers in plain language::

    ex = rk.training.session(2, ds, region=region, half=half)
    answer = ...              # the learner replaces ... with code
    ex.q1.check(answer)       # "not attempted", "correct" or what is wrong
    ex.q1.hint()              # a hint; hint(2) a more explicit one
    ex.q1.solution()          # the reference solution

Examples
--------
>>> ds = rk.sample.generate(seed=0, regions=1)
>>> ex = rk.training.session(1, ds, half="2026H1")
>>> ex.q1.check(...).status
'not_attempted'
>>> ex.q1.check(len(ds.hospitals)).status
'correct'
>>> print(ex.q1.check("25"))
[incorrect] 练习 1.1 ✘ 还不对：医院数应该是数字，你给的是文字 '25'。去掉引号，写成数字。
"""

from __future__ import annotations

from repkit.training._core import Exercise, Feedback, Wrong
from repkit.training._session import Session, session
from repkit.training._sessions import SESSIONS

__all__ = ["SESSIONS", "Exercise", "Feedback", "Session", "Wrong", "session"]
