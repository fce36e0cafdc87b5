"""The ``repkit`` command's framework words in the user's language: usage errors, help page.

click (typer's parser, vendored inside typer in its newer releases) writes its own words in
English: "Usage:", "Error: Missing argument 'folder'.", "Show this message and exit." The
classes here are given to typer (``cls=``) by :mod:`repkit.cli`. They turn every usage
error into a sentence of the message catalogue (what is wrong, which argument or option)
before it leaves ``parse_args``/``resolve_command``, print it from ``main`` with the usage
line and ``repkit CMD --help``, exit 2; and they lay out the help page with translated
headings, ``[默认：0]``/``[必填]`` and display-width wrapping of Chinese text.

Only public click names are used (the exception classes of the module typer takes
``BadParameter`` from, ``HelpFormatter``'s methods, ``Context.formatter_class``,
``Command.parse_args``/``get_help_option``, ``Group.resolve_command``), so typer 0.12 on
click 8 and typer's vendored click behave alike; the help page is always click's plain
layout (typer 0.12.4 drew rich panels with English headings even without rich markup).

Examples
--------
>>> _extras("随机种子。  [default: 0; required]")
'随机种子。  [默认：0；必填]'
"""

from __future__ import annotations

import difflib
import enum
import functools
import importlib
import inspect
import os
import re
import sys
import types
import typing
from pathlib import Path
from typing import Annotated, Any, cast

import typer
import typer.core

from repkit.messages import say

__all__ = ["Command", "Group"]

_clicks: Any = importlib.import_module(typer.BadParameter.__module__)  # click.exceptions
_UsageError: type[Exception] = _clicks.UsageError
_NoArgsIsHelp: tuple[type[Exception], ...] = tuple(
    c for c in [getattr(_clicks, "NoArgsIsHelpError", None)] if c is not None
)  # click >= 8.2 raises it for ``repkit`` alone; its message is the help page

_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Han and full-width marks
_KINDS: dict[type, str] = {bool: "flag", int: "int", float: "float", Path: "path", str: "text"}
_HEADINGS = {"Options": "options", "Arguments": "arguments", "Commands": "commands"}
_CLOSING = set("，。；：、）》」』！？,.;:!?)]")  # never starts a wrapped line
_OPENING = set("（《「『([")  # never ends one


class _Usage(_UsageError):  # type: ignore[misc, valid-type]
    """A usage error already worded for the user (the catalogue's sentence); exit code 2."""


_PASS_ON: tuple[type[Exception], ...] = (_Usage, *_NoArgsIsHelp)  # already worded, or help


def _wrap(text: str, columns: int) -> list[str]:
    """``text`` broken into lines of at most ``columns`` terminal columns.

    Chinese characters take two columns and may be broken between; latin words are not
    broken (unless longer than a line); punctuation stays with the character before it.

    Examples
    --------
    >>> _wrap("输入数据文件夹（例如 sample_data）。", 20)
    ['输入数据文件夹（例如', 'sample_data）。']
    >>> _wrap("输入数据文件夹（例如 sample_data）。", 12)
    ['输入数据文件', '夹（例如', 'sample_data', '）。']
    >>> _wrap("Input data folder.", 10)
    ['Input data', 'folder.']
    """
    from repkit.messages import width

    wide = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
    tokens = re.findall(rf"\s+|[{wide}]|[^\s{wide}]+", text)
    glued: list[str] = []  # punctuation stays with the word it closes or opens
    for tok in tokens:
        if (
            glued
            and not glued[-1].isspace()
            and not tok.isspace()
            and (tok[0] in _CLOSING or glued[-1][-1] in _OPENING)
        ):
            glued[-1] += tok
        else:
            glued.append(tok)
    lines: list[str] = []
    line = ""
    for tok in glued:
        if tok.isspace():  # kept (two spaces before "[必填]"), but never at a line's start
            line += (" " if "\n" in tok else tok) if line else ""
            continue
        if line and width(line) + width(tok) > columns:
            lines.append(line.rstrip())
            line = ""
        while width(tok) > columns:  # a word longer than a line
            cut = next((i for i in range(len(tok), 1, -1) if width(tok[:i]) <= columns), 1)
            lines.append(tok[:cut])
            tok = tok[cut:]
        line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _extras(help_text: str) -> str:
    """The framework's ``[default: 0; required]`` after a help text, in the user's words.

    Examples
    --------
    >>> _extras("区域个数。  [default: 6]")
    '区域个数。  [默认：6]'
    """
    body, sep, tail = help_text.rpartition("[")
    body = body.removesuffix("\\")  # typer 0.16 escapes it for rich even in plain help
    if not sep or not tail.endswith("]") or (body and not body.endswith("  ")):
        return help_text
    words = {"required": say("help.extra.required")}
    prefixes = {"default: ": "help.extra.default", "env var: ": "help.extra.envvar"}
    parts = []
    for part in tail[:-1].split("; "):
        for prefix, key in prefixes.items():
            if part.startswith(prefix):
                part = say(key, value=part[len(prefix) :])
                break
        parts.append(words.get(part, part))
    return f"{body}[{say('word.semicolon').join(parts)}]"


_BaseContext: Any = typer.core.TyperGroup.context_class  # click.Context or typer's copy


class _Formatter(_BaseContext.formatter_class):  # type: ignore[misc]
    """click's help formatter with the user's headings and display-width wrapping."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        self.write(f"{' ' * self.current_indent}{prefix or say('help.usage')}{prog} {args}\n")

    def write_heading(self, heading: str) -> None:
        key = _HEADINGS.get(heading)
        text = say("help.heading." + key) if key else heading
        self.write(f"{' ' * self.current_indent}{say('help.heading', heading=text)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for i, paragraph in enumerate(text.split("\n\n")):
            if i:
                self.write("\n")
            joined = " ".join(line.strip() for line in paragraph.splitlines())
            for line in _wrap(joined, max(self.width - self.current_indent, 20)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        from repkit.messages import width

        rows = [(first, _extras(second or "")) for first, second in rows]
        first_col = min(max((width(f) for f, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        hang = " " * (first_col + self.current_indent)
        for first, second in rows:
            if not second:
                self.write(f"{indent}{first}\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(f"{indent}{first}{' ' * (first_col - width(first))}")
            else:
                self.write(f"{indent}{first}\n{hang}")
            lines = _wrap(second, max(self.width - first_col - self.current_indent, 10)) or [""]
            self.write("\n".join([lines[0], *(hang + line for line in lines[1:])]) + "\n")


class _Context(_BaseContext):  # type: ignore[misc]
    formatter_class = _Formatter


def _param_label(param: Any) -> str:
    """An option as typed (its long name), an argument as the help page shows it."""
    if getattr(param, "param_type_name", "") == "argument":
        return str(param.metavar or param.name.upper())
    opts = list(getattr(param, "opts", []) or [])
    return next((o for o in opts if o.startswith("--")), opts[0] if opts else str(param.name))


def _param_named(param: Any) -> str:
    """The option or argument with its help text's first clause: ``--data（输入数据文件夹）``."""
    text = re.split(r"[；;]", str(getattr(param, "help", None) or ""))[0].strip().rstrip("。.")
    return (
        say("cli.usage.named", name=_param_label(param), help=text) if text else _param_label(param)
    )


def _annotation(ctx: Any, param: Any) -> tuple[Any, list[Any]]:
    """The Python type of a command's parameter and the typer infos beside it."""
    callback = getattr(getattr(ctx, "command", None), "callback", None)
    if callback is None or param is None:
        return None, []
    try:
        hints = typing.get_type_hints(inspect.unwrap(callback), include_extras=True)
    except Exception:  # an annotation that cannot be evaluated here: say less
        return None, []
    hint, infos = hints.get(param.name), []
    if typing.get_origin(hint) is Annotated:
        hint, *infos = typing.get_args(hint)
    while typing.get_origin(hint) in (types.UnionType, typing.Union, list):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return hint, infos


def _kind(hint: Any) -> str:
    """What a value must be, in words (``整数``) for an annotation."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return say("cli.kind.choice", choices=_choices(hint))
    if typing.get_origin(hint) is typing.Literal:
        return say("cli.kind.choice", choices=_choices(hint))
    key = next(
        (k for t, k in _KINDS.items() if isinstance(hint, type) and issubclass(hint, t)), None
    )
    return say("cli.kind." + (key or "value"))


def _choices(hint: Any) -> str:
    from repkit.messages import join

    values = [m.value for m in cast(Any, hint)] if isinstance(hint, type) else typing.get_args(hint)
    return join(values)


def _names(param: Any) -> list[str]:
    """Every spelling of an option (``-p``, ``--param``; ``--no-force`` of a switch)."""
    return [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]


def _typed(param: Any, args: list[str]) -> list[str]:
    """The values typed for an option, in order (``--seed 3``, ``--seed=3``, ``-p3``)."""
    opts = _names(param)
    found = []
    for i, token in enumerate(args):
        for opt in opts:
            if token == opt and i + 1 < len(args):
                found.append(args[i + 1])
            elif token.startswith(opt + "="):
                found.append(token[len(opt) + 1 :])
            elif len(opt) == 2 and token.startswith(opt) and len(token) > 2:  # -p3
                found.append(token[2:])
    return found


def _bad_value(err: Any, ctx: Any, args: list[str]) -> str:
    """Why a typed value was refused: not a number, out of range, no such path or choice."""
    param = err.param
    name = _param_label(param)
    if _CJK.search(str(err.message)):  # a callback's own sentence
        return say("cli.usage.own", name=name, message=err.message)
    hint, infos = _annotation(ctx, param)
    kind = _kind(hint)
    values = _typed(param, args) if param.param_type_name == "option" else []
    if not values:
        return say("cli.usage.bad_value_unseen", name=name, kind=kind)
    value = values[-1]
    for v in values:  # a repeatable option: the first value that is not of the type
        try:
            if hint in (int, float):
                hint(v)
        except ValueError:
            return say("cli.usage.bad_value", name=name, value=v, kind=kind)
    info = next((i for i in infos if hasattr(i, "min") and hasattr(i, "max")), None)
    if hint in (int, float) and info is not None and (info.min is not None or info.max is not None):
        lo, hi = info.min, info.max
        bounds = (
            say("cli.range.between", min=lo, max=hi)
            if lo is not None and hi is not None
            else say("cli.range.min", min=lo)
            if lo is not None
            else say("cli.range.max", max=hi)
        )
        return say("cli.usage.range", name=name, value=value, range=bounds)
    if isinstance(hint, type) and issubclass(hint, Path) and info is not None:
        reason = _path_reason(Path(value), info)
        if reason:
            return say("cli.usage.path", name=name, value=value, reason=reason)
    return say("cli.usage.bad_value", name=name, value=value, kind=kind)


def _path_reason(path: Path, info: Any) -> str | None:
    """Why ``path`` fails a typer path option's checks (exists, file_okay …), in words."""
    if not path.exists():
        return say("cli.path.missing") if getattr(info, "exists", False) else None
    if path.is_file() and not getattr(info, "file_okay", True):
        return say("cli.path.is_file")
    if path.is_dir() and not getattr(info, "dir_okay", True):
        return say("cli.path.is_dir")
    if getattr(info, "readable", False) and not os.access(path, os.R_OK):
        return say("cli.path.unreadable")
    if getattr(info, "writable", False) and not os.access(path, os.W_OK):
        return say("cli.path.unwritable")
    return None


def _missing(err: Any, ctx: Any, args: list[str]) -> str:
    """Every required option not typed (all at once), or the missing argument."""
    from repkit.messages import join

    param = err.param
    if param.param_type_name == "argument":
        return say("cli.usage.missing_argument", name=_param_named(param))
    absent = [
        p for p in getattr(getattr(ctx, "command", None), "params", [])
        if getattr(p, "required", False) and getattr(p, "param_type_name", "") == "option"
        and not any(a in p.opts or a.split("=")[0] in p.opts for a in args)
    ]  # fmt: skip
    if param not in absent:
        absent.insert(0, param)
    return say("cli.usage.missing_option", names=join(_param_named(p) for p in absent))


def _suggest(sentence: str, possibilities: Any) -> str:
    """``sentence`` and, when there are close matches, "did you mean …" after it."""
    from repkit.messages import join

    if not possibilities:
        return sentence
    chosen = join(sorted(possibilities), word=say("word.or"))
    return say("word.semicolon").join([sentence, say("cli.usage.did_you_mean", suggestion=chosen)])


def _explain(err: Any, ctx: Any, args: list[str]) -> str:
    """A click usage error as one sentence in the user's language."""
    if getattr(err, "param", None) is None and _CJK.search(str(err.message)):
        return str(err.message)  # a command's own sentence (``raise typer.BadParameter(…)``)
    if isinstance(err, _clicks.MissingParameter) and err.param is not None:
        return _missing(err, ctx, args)
    if isinstance(err, _clicks.BadParameter) and err.param is not None:
        return _bad_value(err, ctx, args)
    if isinstance(err, _clicks.NoSuchOption):
        sentence = say("cli.usage.no_such_option", option=err.option_name)
        return _suggest(sentence, err.possibilities)
    if isinstance(err, _clicks.BadOptionUsage):
        params = getattr(getattr(ctx, "command", None), "params", [])
        param = next((p for p in params if err.option_name in _names(p)), None)
        if param is not None and getattr(param, "is_flag", False):
            return say("cli.usage.flag_value", option=err.option_name)
        kind = _kind(_annotation(ctx, param)[0])
        return say("cli.usage.needs_value", option=err.option_name, kind=kind)
    return say("cli.usage.other", message=err.format_message())


class _Chinese:
    """What repkit's typer group and commands share: the user's words, usage errors explained."""

    context_class = _Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self, "options_metavar", None) == "[OPTIONS]":
            self.options_metavar = say("help.metavar.options")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = say("help.help_option")
        return option

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        typed, allowed = list(args), ctx.allow_extra_args
        strict = not allowed and not ctx.resilient_parsing
        ctx.allow_extra_args = True  # extra arguments are reported below, in words
        try:
            rest = super().parse_args(ctx, args)  # type: ignore[misc]
        except _PASS_ON:
            raise
        except _UsageError as err:
            raise _Usage(_explain(err, ctx, typed), ctx) from err
        finally:
            ctx.allow_extra_args = allowed
        if strict and rest:
            raise _Usage(say("cli.usage.extra", args=" ".join(rest)), ctx)
        return rest


class Command(_Chinese, typer.core.TyperCommand):  # type: ignore[misc]
    """A repkit command: usage errors and help in the user's language."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # click's plain layout, whatever typer decides about rich (0.12.4 drew rich panels
        # with English headings even with rich_markup_mode=None)
        super(typer.core.TyperCommand, self).format_help(ctx, formatter)


class Group(_Chinese, typer.core.TyperGroup):  # type: ignore[misc]
    """The ``repkit`` group: unknown commands named, usage errors printed in words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.subcommand_metavar == "COMMAND [ARGS]...":
            self.subcommand_metavar = say("help.metavar.command")

    def format_help(self, ctx: Any, formatter: Any) -> None:
        super(typer.core.TyperGroup, self).format_help(ctx, formatter)  # as Command's

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        known = self.get_command(ctx, name) or (
            ctx.token_normalize_func and self.get_command(ctx, ctx.token_normalize_func(name))
        )
        if name and not known and not name.startswith("-") and not ctx.resilient_parsing:
            from repkit.messages import join

            commands = self.list_commands(ctx)
            sentence = say("cli.usage.no_such_command", command=name)
            close = difflib.get_close_matches(name, commands)
            listed = say("cli.usage.commands", commands=join(commands))
            text = (
                _suggest(sentence, close) if close else f"{sentence}{say('word.semicolon')}{listed}"
            )
            raise _Usage(text, ctx)
        return super().resolve_command(ctx, args)

    def main(  # type: ignore[override]  # windows_expand_args (click >= 8.0.1) is in extra
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; a usage error prints the usage, what is wrong, exit 2."""
        run = functools.partial(
            super().main, args=args, prog_name=prog_name, complete_var=complete_var, **extra
        )
        if not standalone_mode:
            return run(standalone_mode=False)
        try:
            result = run(standalone_mode=False)
        except _NoArgsIsHelp as err:  # ``repkit`` alone: the help page
            err.show()  # type: ignore[attr-defined]
            sys.exit(err.exit_code)  # type: ignore[attr-defined]
        except _UsageError as err:
            _show_usage_error(err)
            sys.exit(2)
        except _clicks.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except _clicks.Abort:
            typer.echo(say("cli.aborted"), err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) and not isinstance(result, bool) else 0)


def _show_usage_error(err: Any) -> None:
    """The usage line, what is wrong (which argument or option), how to get help."""
    ctx = getattr(err, "ctx", None)
    message = err.message if isinstance(err, _Usage) else _explain(err, ctx, [])
    if ctx is None:
        typer.echo(message, err=True)
        return
    path = ctx.command_path
    typer.echo(ctx.get_usage(), err=True)
    typer.echo(say("cli.usage.line", path=path, problem=message), err=True)
    if ctx.command.get_help_option(ctx) is not None:
        typer.echo(say("cli.usage.fix", path=path, help=ctx.help_option_names[0]), err=True)
