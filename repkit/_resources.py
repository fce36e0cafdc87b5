"""The files repkit ships beside its code: templates, notebooks, sample data.

A built wheel carries them in ``repkit/_data/`` (copied there by ``setup.py``); a source
checkout or editable install reads them from the top-level ``templates/``, ``notebooks/``
and ``sample_data/`` folders. Everything that needs one of these files asks this module,
so ``repkit batch`` and ``repkit demo`` work the same from a checkout and from a wheel.
"""

from __future__ import annotations

import os
import re
import shutil
from importlib.resources import files
from pathlib import Path

__all__ = ["KINDS", "copy_tree", "data_root", "resource_path", "scaffold", "template_path"]

KINDS = {
    "templates": "templates",
    "training": "notebooks/training",
    "examples": "notebooks/examples",
    "problem_data": "notebooks/data",
    "sample_data": "sample_data",
}
"""Kind of shipped folder → its path inside the data root (the repository's layout)."""

_FOLDER = {
    "templates": "templates",
    "training": "training",
    "examples": "examples",
    "problem_data": "problem_data",
    "sample_data": "data",
}
"""Kind → sub-folder of a working folder made by :func:`scaffold`."""

_RELINK = {
    "../../sample_data": "../data",
    "../../templates/": "../templates/",
    "../data/": "../problem_data/",
}
"""Relative paths in shipped notebooks → the same file in a working folder."""

_RELINK_TEMPLATES = {"../sample_data": "../data"}


def data_root() -> Path:
    """The folder holding ``templates/``, ``notebooks/`` and ``sample_data/``.

    Returns
    -------
    Path
        ``repkit/_data`` inside an installed wheel, else the source checkout's root.

    Raises
    ------
    FileNotFoundError
        Neither exists (a broken install); the message says how to reinstall.

    Examples
    --------
    >>> from repkit._resources import data_root
    >>> (data_root() / "templates" / "half_year_plan.ipynb").is_file()
    True
    """
    bundled = Path(str(files("repkit") / "_data"))
    if (bundled / "templates").is_dir():
        return bundled
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "templates").is_dir() and (checkout / "sample_data").is_dir():
        return checkout
    raise FileNotFoundError(
        f"repkit's templates and sample data are missing (looked in {bundled} and {checkout}); "
        'reinstall with: pip install --force-reinstall "repkit"'
    )


def resource_path(kind: str) -> Path:
    """The shipped folder of one kind (see ``KINDS``), e.g. ``"sample_data"``.

    Raises
    ------
    ValueError
        Unknown kind; the message lists the valid ones.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return data_root() / KINDS[kind]


def template_path(name: str = "half_year_plan.ipynb") -> Path:
    """A shipped template: a notebook (``half_year_plan.ipynb``) or entry workbook (``医院.xlsx``).

    Raises
    ------
    FileNotFoundError
        No such template; the message lists the shipped ones.

    Examples
    --------
    >>> from repkit._resources import template_path
    >>> template_path("医院.xlsx").name
    '医院.xlsx'
    """
    folder = resource_path("templates")
    path = folder / name
    if not path.is_file():
        names = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file()))
        raise FileNotFoundError(f"no template {name!r}; shipped templates: {names}")
    return path


def _relink(text: str, mapping: dict[str, str]) -> str:
    """Rewrite relative paths in a notebook's text in one pass (no chained rewrites)."""
    pattern = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
    return re.sub(pattern, lambda m: mapping[m.group()], text)


def _pairs(kind: str, dest: str | os.PathLike) -> list[tuple[Path, Path]]:
    """(shipped file, its copy under ``dest``) for every file of one kind."""
    source = resource_path(kind)
    return [
        (p, Path(dest) / p.relative_to(source))
        for p in sorted(source.rglob("*"))
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    ]


def copy_tree(kind: str, dest: str | os.PathLike, *, overwrite: bool = False) -> list[Path]:
    """Copy one shipped folder into ``dest``; returns the files written.

    Notebooks have their relative data paths rewritten for the layout of a working
    folder (``data/``, ``templates/``, ``training/`` … side by side, see :func:`scaffold`).

    Parameters
    ----------
    kind
        One of ``KINDS``: templates, training, examples, problem_data, sample_data.
    dest
        Folder to copy into (created if missing).
    overwrite
        Replace files already in ``dest``; by default they are kept untouched.

    Returns
    -------
    list of Path
        Files written; files kept because they existed are not listed.
    """
    mapping = _RELINK_TEMPLATES if kind == "templates" else _RELINK
    written = []
    for path, out in _pairs(kind, dest):
        if out.exists() and not overwrite:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            out.write_text(_relink(path.read_text(encoding="utf-8"), mapping), encoding="utf-8")
        else:
            shutil.copyfile(path, out)
        written.append(out)
    return written


_README = """# repkit 工作文件夹

由 `repkit init` 生成。文件夹里有：

| 文件夹 | 内容 |
| --- | --- |
| `data/` | 示例数据（虚构的医院、医生、代表、销售、拜访、指标）；换成贵公司的导出文件即可 |
| `templates/` | 计划模板（`half_year_plan.ipynb` 等）和每张表的 Excel 录入模板（`医院.xlsx` …） |
| `training/` | 培训笔记本，每周一本，附答案（`*_solutions.ipynb`） |
| `examples/` | 示例笔记本：比较地区、增长情景、导入自己的 Excel |
| `problem_data/` | 故意出错的示例文件，培训里用来练习读懂错误提示 |

## 下一步

1. 检查数据（列出每个问题：文件、工作表、行、列、怎么改）：

       repkit check data

2. 为每个地区生成半年工作计划（打开 `reports/index.html` 查看）：

       repkit batch --data data --template templates/half_year_plan.ipynb --out reports

   只做一两个地区试一试：加上 `--region 兰州`（可重复）。

3. 用自己的数据：把 `data/` 里的文件换成公司导出的 Excel/CSV，或者填写
   `templates/` 里的录入模板后放进 `data/`，再从第 1 步开始。

4. 学习：`pip install "repkit[lab]"` 后运行 `jupyter lab`，打开 `training/` 里的笔记本。

可选功能：`repkit[sql]`（数据库）、`repkit[parquet]`（parquet 文件和缓存）、
`repkit[dask]`（多台机器）、`repkit[all]`（全部）。
"""


def scaffold(folder: str | os.PathLike, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Make a working folder: data, templates, training, examples and a README in Chinese.

    Parameters
    ----------
    folder
        Folder to create; it must be missing or empty.
    force
        Also fill a non-empty folder. Files already there are kept, never overwritten.

    Returns
    -------
    tuple of (written, kept)
        Files written, and files that already existed and were left as they were.

    Raises
    ------
    FileExistsError
        ``folder`` is a file, or is not empty and ``force`` is False.

    Examples
    --------
    >>> import os
    >>> from repkit._resources import scaffold
    >>> written, kept = scaffold("work")
    >>> sorted(os.listdir("work"))
    ['README.md', 'data', 'examples', 'problem_data', 'templates', 'training']
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise FileExistsError(f"{root} is a file, not a folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise FileExistsError(
            f"{root} is not empty; choose a new folder, or add --force to fill in only "
            "the missing files (existing files are kept)"
        )
    root.mkdir(parents=True, exist_ok=True)
    readme = root / "README.md"
    kept = [out for kind, sub in _FOLDER.items() for _, out in _pairs(kind, root / sub)]
    kept = [p for p in [*kept, readme] if p.exists()]
    written: list[Path] = []
    for kind, sub in _FOLDER.items():
        written += copy_tree(kind, root / sub)
    if not readme.exists():
        readme.write_text(_README, encoding="utf-8")
        written.append(readme)
    return written, kept
