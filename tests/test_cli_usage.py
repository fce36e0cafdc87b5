"""Usage errors and the help page of the `repkit` command in the user's language.

click writes "Usage:", "Error: Missing argument" and "Show this message and exit." in
English; repkit._cli_usage words them from the message catalogue. Only typer and the
CLI are imported here, so the file also runs against the oldest typer/click allowed.
"""

import enum
import re
from pathlib import Path
from typing import Annotated

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from repkit._cli_usage import Command, Group, _wrap
from repkit.cli import app
from repkit.messages import width

runner = CliRunner()
ENGLISH = re.compile(r"Error:|Usage:|Try '|Missing |Invalid value|No such|Got unexpected")


def _run(args, **kwargs):
    result = runner.invoke(app, args, prog_name="repkit", **kwargs)
    return result, result.output


USAGE_ERRORS = [
    ("missing_argument", ["sample"], "sample", "缺少参数 FOLDER（写入示例文件的文件夹）"),
    ("missing_options", ["plan", "--data", "d", "--half", "2026H2"], "plan",
     "缺少必填选项 --region（要做计划的区域）、--out（plan.xlsx 和 summary.json 的输出文件夹）"),
    ("missing_value", ["sample", "d", "--seed"], "sample", "选项 --seed 后面缺少值（整数）"),
    ("unknown_option", ["sample", "d", "--sed", "3"], "sample",
     "没有 --sed 这个选项；是不是想输入 --seed？"),
    ("unknown_option_far", ["sample", "d", "--colour", "red"], "sample",
     "没有 --colour 这个选项"),
    ("unknown_command", ["nosuch"], "", "没有 nosuch 这个命令；可用的命令："),
    ("misspelt_command", ["forcast"], "", "没有 forcast 这个命令；是不是想输入 forecast？"),
    ("not_an_integer", ["sample", "d", "--seed", "abc"], "sample", "--seed 的值 'abc' 不是整数"),
    ("not_an_integer_eq", ["ingest", "d", "--chunk-rows=1.5"], "ingest",
     "--chunk-rows 的值 '1.5' 不是整数"),
    ("not_a_number", ["batch", "--data", "d", "--out", "o", "--cell-timeout", "q"], "batch",
     "--cell-timeout 的值 'q' 不是数字"),
    ("out_of_range", ["ingest", "d", "--chunk-rows", "0"], "ingest",
     "--chunk-rows 的值 0 超出范围：应不小于 1"),
    ("extra_arguments", ["sample", "my", "data"], "sample",
     "多出了参数 data（路径中有空格时，请用引号把整个路径括起来）"),
    ("switch_with_value", ["batch", "--data", "d", "--out", "o", "--force=yes"], "batch",
     "选项 --force 是开关，后面不带值：只写 --force"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "command", "sentence"), [c[1:] for c in USAGE_ERRORS],
                         ids=[c[0] for c in USAGE_ERRORS])  # fmt: skip
def test_usage_errors_say_what_and_where_in_chinese(args, command, sentence):
    result, out = _run(args)
    assert result.exit_code == 2, out
    path = f"repkit {command}".strip()
    assert f"{path}：{sentence}" in out
    assert f"运行 `{path} --help` 查看用法。" in out
    assert out.startswith(f"用法：{path} [选项]")
    assert not ENGLISH.search(out), out


def test_every_command_speaks_the_users_language():
    group = get_command(app)
    assert isinstance(group, Group)
    assert group.commands
    assert all(isinstance(c, Command) for c in group.commands.values())


def test_unknown_command_lists_the_commands():
    _, out = _run(["nosuch"])
    listed = out.split("可用的命令：")[1].splitlines()[0].split("、")
    assert sorted(listed) == sorted(get_command(app).commands)


def test_usage_errors_stop_before_any_work(tmp_path):
    result, _ = _run(["sample", str(tmp_path / "d"), "--regions", "x"])
    assert result.exit_code == 2
    assert not (tmp_path / "d").exists()


def test_every_missing_option_is_named_at_once():
    result, out = _run(["plan"])
    assert result.exit_code == 2
    for option in ("--data", "--region", "--half", "--out"):
        assert option + "（" in out
    assert out.count("缺少必填选项") == 1


def test_without_standalone_mode_the_worded_error_is_raised():
    command = get_command(app)
    with pytest.raises(typer.BadParameter.__mro__[1]) as info:  # click's UsageError
        command.main(["sample", "d", "--seed", "x"], prog_name="repkit", standalone_mode=False)
    assert "--seed 的值 'x' 不是整数" in info.value.format_message()
    assert info.value.exit_code == 2


def test_usage_errors_in_english_on_request(monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "en")
    result, out = _run(["sample", "d", "--seed", "abc"])
    assert result.exit_code == 2
    assert "repkit sample: --seed: 'abc' is not a valid integer" in out
    assert "Run `repkit sample --help` to see how to use it." in out


class Colour(enum.StrEnum):
    red = "red"
    blue = "blue"


tiny = typer.Typer(cls=Group, add_completion=False, rich_markup_mode=None)


@tiny.command(cls=Command)
def paint(
    colour: Annotated[Colour, typer.Option(help="颜色。")] = Colour.red,
    source: Annotated[Path | None, typer.Option(exists=True, dir_okay=False)] = None,
) -> None:
    typer.echo(f"painted {colour.value}")


@tiny.command(cls=Command)
def wash(times: Annotated[int, typer.Option()] = 1) -> None:
    if times > 3:
        raise typer.BadParameter("一次最多洗 3 遍")
    typer.echo("washed")


def test_a_commands_own_usage_error_keeps_its_words():
    result = runner.invoke(tiny, ["wash", "--times", "5"], prog_name="tiny")
    assert result.exit_code == 2
    assert "tiny wash：一次最多洗 3 遍" in result.output
    assert "运行 `tiny wash --help` 查看用法。" in result.output
    assert not ENGLISH.search(result.output)


def test_choice_and_path_options_are_explained(tmp_path):
    result = runner.invoke(tiny, ["paint", "--colour", "green"], prog_name="tiny")
    assert result.exit_code == 2
    assert "tiny paint：--colour 的值 'green' 不是以下之一：red、blue" in result.output
    result = runner.invoke(
        tiny, ["paint", "--source", str(tmp_path / "none.csv")], prog_name="tiny"
    )
    assert result.exit_code == 2
    assert f"--source 的路径 {tmp_path / 'none.csv'} 不存在" in result.output
    result = runner.invoke(tiny, ["paint", "--source", str(tmp_path)], prog_name="tiny")
    assert result.exit_code == 2
    assert f"--source 的路径 {tmp_path} 是文件夹，这里要的是文件" in result.output
    result = runner.invoke(tiny, ["paint", "--colour", "blue"], prog_name="tiny")
    assert (result.exit_code, result.output) == (0, "painted blue\n")
    assert not ENGLISH.search(result.output)


def test_help_page_framework_words_are_chinese():
    result, out = _run(["--help"])
    assert result.exit_code == 0
    assert out.startswith("用法：repkit [选项] 命令 [参数]...")
    for heading in ("选项：", "命令："):
        assert f"\n{heading}\n" in out
    assert "显示本帮助并退出。" in out
    result, out = _run(["sample", "--help"])
    assert "\n参数：\n" in out
    assert "[必填]" in out
    assert "[默认：0]" in out
    english = ("Usage", "Options", "Arguments", "Commands", "Show this", "default:", "required]")
    for word in english:
        assert word not in out


@pytest.mark.parametrize("command", ["--help", "batch --help", "ingest --help", "plan --help"])
def test_help_lines_fit_the_terminal_counting_chinese_as_two_columns(command):
    result, out = _run(command.split())
    assert result.exit_code == 0
    lines = out.splitlines()
    assert max(width(line) for line in lines) <= 80, max(lines, key=width)
    if command == "batch --help":  # a long help text goes on, indented, on the next line
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("--scenario"))
        assert lines[at + 1].startswith(" " * 10)
        assert "公司指标" in "".join(lines[at : at + 3])


def test_help_in_english_on_request(monkeypatch):
    monkeypatch.setenv("REPKIT_LANG", "en")
    result, out = _run(["sample", "--help"])
    assert result.exit_code == 0
    assert out.startswith("Usage: repkit sample [OPTIONS]")
    assert "Show this message and exit." in out
    assert "[default: 0]" in out


TEXT = st.text(alphabet=st.sampled_from(list("数据文件夹区域，。（）、 ab-_.12")), max_size=80)


@given(TEXT, st.integers(min_value=4, max_value=40))
def test_wrapped_lines_fit_and_keep_every_character(text, columns):
    lines = _wrap(text, columns)
    assert all(width(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(line == line.strip() and line for line in lines)


def test_every_option_and_argument_has_chinese_help():
    cjk = re.compile("[\u4e00-\u9fff]")
    english = [
        f"{name} {param.name}"
        for name, command in get_command(app).commands.items()
        for param in command.params
        if not cjk.search(getattr(param, "help", None) or "")
    ]
    assert english == []
