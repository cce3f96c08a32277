"""The `jxjy` command: parse options, call the core, render, exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import click

from generator.dates import default_as_of
from generator.new import new_record
from generator.output import FORMATS, summary
from generator.records import KINDS, RepositoryError
from generator.schemas import SchemaSetupError
from generator.site.build import ENGINES, BuildError, build, generate
from generator.site.serve import serve as serve_site
from generator.validate import check_repository


class InputError(click.ClickException):
    """A usage or I/O problem: exit 2, message in Chinese."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True, file=file)


def _as_of(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
        help="以哪一天为「今天」（YYYY-MM-DD）；默认今天，设置了 SOURCE_DATE_EPOCH 时取其日期。",
    )(func)


def _root(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
        show_default=True, help="仓库根目录（含 records/）。",
    )(func)


def _day(value: datetime | None) -> date:
    return value.date() if value else default_as_of()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jxjy-registry")
def cli() -> None:
    """常州市专业技术人员继续教育公示平台：记录校验与站点生成。"""


@cli.command()
@_root
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="输出格式。")
@click.option("--strict", is_flag=True, help="有警告也以 1 退出。")
@_as_of
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(root: Path, fmt: str, strict: bool, as_of: datetime | None, paths: tuple[Path, ...]) -> None:
    """校验 records/ 下的记录；给出 PATH 时只报告这些文件（引用仍按全部记录检查）。

    退出码：0 无错误；1 有错误（--strict 时含警告）；2 用法或读写问题。
    """
    try:
        result = check_repository(root, as_of=_day(as_of), only=paths)
    except (RepositoryError, SchemaSetupError) as exc:
        raise InputError(str(exc)) from None
    diags = result.report.diagnostics
    click.echo(FORMATS[fmt](diags), nl=False)
    if fmt == "text":
        click.echo(summary(diags, result.files), nl=False, err=True)
    sys.exit(result.report.exit_code(strict=strict))


@cli.command()
@_root
@_as_of
@click.option("--id", "record_id", default=None, help="指定记录编号（默认自动生成）。")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
def new(root: Path, as_of: datetime | None, record_id: str | None, kind: str) -> None:
    """新建一条 KIND 类记录（今天的日期、新的编号、标出待填写的字段）。"""
    if not (root / "records").is_dir():
        raise InputError(f"找不到记录目录：{root / 'records'}")
    try:
        path = new_record(kind, root, _day(as_of), record_id=record_id)
    except FileExistsError as exc:
        raise InputError(f"文件已存在：{exc.filename}") from None
    click.echo(path.as_posix())


@cli.command("build")
@_root
@_as_of
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True,
              help="站点引擎（都读取 mkdocs.yml）。")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认 <root>/site）。")
def build_command(root: Path, as_of: datetime | None, engine: str, site_dir: Path | None) -> None:
    """校验记录并生成网站；有错误时不改动原有的 site/。"""
    try:
        built = build(root, as_of=_day(as_of), engine=engine, site_dir=site_dir)
    except BuildError as exc:
        if exc.report is not None:
            click.echo(FORMATS["text"](exc.report.diagnostics), nl=False)
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    except (RepositoryError, SchemaSetupError) as exc:
        raise InputError(str(exc)) from None
    click.echo(FORMATS["text"](built.report.diagnostics), nl=False)
    click.echo(f"已生成 {built.pages} 个页面：{built.site}", err=True)


@cli.command()
@_root
@_as_of
@click.option("--port", type=int, default=8000, show_default=True, help="预览端口（只监听本机）。")
def serve(root: Path, as_of: datetime | None, port: int) -> None:
    """本机预览网站；records/ 或 docs/ 有改动时重新生成。"""
    try:
        generate(root, as_of=_day(as_of))
    except BuildError as exc:
        if exc.report is not None:
            click.echo(FORMATS["text"](exc.report.diagnostics), nl=False)
        raise InputError(str(exc)) from None
    serve_site(root, as_of=_day(as_of), port=port, echo=click.echo)


def main() -> None:
    cli(prog_name="jxjy")


