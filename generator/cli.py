"""The `jxjy` command: parse options, call the core, render, exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import click

from generator.append_only import check_append_only
from generator.authz import check_authz, load_teams
from generator.change_report import render_json, render_markdown
from generator.changes import diff
from generator.dates import EARLIEST, LATEST, default_as_of
from generator.errors import JxjyError
from generator.examine import default_cache_dir
from generator.files import append_file, write_output
from generator.forms import TEMPLATE_DIR, write_forms
from generator.git import changed_files
from generator.importer import Row, plan_import, write_plan
from generator.migrate import migrate
from generator.new import ids_elsewhere, new_record
from generator.output import FORMATS, render_cells, render_summary, summary, visible
from generator.owners import codeowners_pending, write_codeowners
from generator.records import KIND_TITLES, KINDS, require_records
from generator.site.build import ENGINES, BuildError, build
from generator.site.serve import serve as serve_site
from generator.validate import check_report


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


def _cache(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--cache/--no-cache", default=True, show_default=True,
        help="记住每个文件的解析和 schema 结论（按内容的哈希，存于仓库之外的 JXJY_CACHE_DIR 或"
             " ~/.cache/jxjy-registry），未改动的文件不再解析；validate 还记住上次的全部结论：没有改动时直接给出，"
             "改动只涉及跨记录规则不读的字段（正文、联系方式等）时只重查改动的文件，否则跨记录规则全部重新运行。",
    )(func)


def _day(value: datetime | None) -> date:
    """The run's "today": --as-of, SOURCE_DATE_EPOCH or today, within the dates a record may hold
    (a day past them would make every year up to it a year whose plans are missing)."""
    day = value.date() if value else default_as_of()
    if not EARLIEST <= day <= LATEST:
        raise InputError(f"「今天」{day} 不在 {EARLIEST} 至 {LATEST} 之间；请检查 --as-of 或 SOURCE_DATE_EPOCH")
    return day


class _Commands(click.Group):
    """The one error boundary: whatever a command cannot continue past (JxjyError) ends it with
    its Chinese message and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JxjyError as exc:
            raise InputError(str(exc)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jxjy-registry")
def cli() -> None:
    """常州市专业技术人员继续教育公示平台：记录校验与站点生成。"""


@cli.command()
@_root
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="输出格式。")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把 --format 的报告写入文件（UTF-8），标准输出仍给出文本格式的问题列表。")
@click.option("--strict", is_flag=True, help="有警告也以 1 退出。")
@click.option("--changed-since", "changed_since", metavar="REF", default=None,
              help="先列出自 git 版本 REF 以来改动过的文件上的问题（拉取请求自己的文件先标注）。")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把全部问题以 Markdown 表格追加到此文件（如 CI 的任务摘要 $GITHUB_STEP_SUMMARY）。")
@_as_of
@_cache
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(root: Path, fmt: str, output: Path | None, strict: bool, changed_since: str | None,
             summary_file: Path | None, as_of: datetime | None, cache: bool, paths: tuple[Path, ...]) -> None:
    """校验 records/ 下的记录；给出 PATH 时只报告这些文件（引用仍按全部记录检查）。

    退出码：0 无错误；1 有错误（--strict 时含警告）；2 用法或读写问题。
    """
    report, files = check_report(root, as_of=_day(as_of), only=paths, cache_dir=default_cache_dir() if cache else None)
    changed = set(changed_files(root, changed_since, None)) if changed_since else set()
    if not paths:
        require_records(files, root)
    diags = sorted(report.diagnostics, key=lambda d: d.location.path not in changed)  # stable
    if output is not None:
        # surrogateescape: a file name that is not UTF-8 is written as its bytes, as stdout does under the C locale
        _write_output(output, FORMATS[fmt](diags), root)
        fmt = "text"
    click.echo(FORMATS[fmt](diags), nl=False)
    if summary_file is not None:
        append_file(summary_file, render_summary(diags, files))
    if fmt == "text":
        click.echo(summary(diags, files), nl=False, err=True)
    sys.exit(report.exit_code(strict=strict))


@cli.command()
@_root
@_as_of
@click.option("--id", "record_id", default=None, help="指定记录编号（默认自动生成）。")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
def new(root: Path, as_of: datetime | None, record_id: str | None, kind: str) -> None:
    """新建一条 KIND 类记录（今天的日期、新的编号、标出待填写的字段）。

    新编号从当年 001–999 中未用过的号码里随机抽取，避开本地、各远程分支上已有的和历史上删除过的编号。
    """
    path = new_record(kind, root, _day(as_of), record_id=record_id, taken=None if record_id else ids_elsewhere(root))
    click.echo(path.as_posix())


@cli.command("build")
@_root
@_as_of
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True,
              help="站点引擎（都读取 mkdocs.yml）。")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认 <root>/site）。")
@_cache
def build_command(root: Path, as_of: datetime | None, engine: str, site_dir: Path | None, cache: bool) -> None:
    """校验记录并生成网站；有错误时不改动原有的 site/。"""
    try:
        built = build(root, as_of=_day(as_of), engine=engine, site_dir=site_dir,
                      cache_dir=default_cache_dir() if cache else None)
    except BuildError as exc:
        if exc.report is not None:
            click.echo(FORMATS["text"](exc.report.diagnostics), nl=False)
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    click.echo(FORMATS["text"](built.report.diagnostics), nl=False)
    click.echo(f"已生成 {built.pages} 个页面：{built.site}", err=True)


@cli.command()
@_root
@_as_of
@click.option("--port", type=int, default=8000, show_default=True, help="预览端口（只监听本机）。")
@_cache
def serve(root: Path, as_of: datetime | None, port: int, cache: bool) -> None:
    """本机预览网站；保存记录后几秒内显示改动，records/ 或 docs/ 有改动时在后台完整重新生成。"""
    serve_site(root, as_of=_day(as_of), port=port, cache_dir=default_cache_dir() if cache else None, echo=click.echo)


@cli.command("diff")
@_root
@_as_of
@click.option("--check", is_flag=True,
              help="只做只增检查：已发布的公告被修改、删除或改名，编号被重复使用或与目标分支撞号时以 1 退出。")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "text", "github"]), default=None,
              help="变更报告为 markdown（默认）或 json；--check 的结果为 text（默认）或 github。")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件而不是标准输出。")
@click.argument("base")
@click.argument("head", required=False)
def diff_command(root: Path, as_of: datetime | None, check: bool, fmt: str | None, output: Path | None,
                 base: str, head: str | None) -> None:
    """比较两个版本（HEAD 缺省为工作区），用中文说明这次变更对公开网站意味着什么。"""
    day = _day(as_of)
    if check:
        if fmt not in (None, "text", "github"):
            raise InputError(f"--check 的结果只有 text 或 github 格式，不能用 --format {fmt}")
        diags = check_append_only(root, base, head, as_of=day)
        text, code = FORMATS[fmt or "text"](diags), 1 if diags else 0
    else:
        if fmt not in (None, "markdown", "json"):
            raise InputError(f"变更报告只有 markdown 或 json 格式，不能用 --format {fmt}（text、github 用于 --check）")
        report = diff(root, base, head, as_of=day)
        text, code = (render_json(report) if fmt == "json" else render_markdown(report)), 0
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text, root)
    sys.exit(code)


def _write_output(output: Path, text: str, root: Path) -> None:
    """Write a --output report atomically; say so when it replaces a file (see generator.files)."""
    try:
        replaced = write_output(output, text, root)
    except OSError as exc:
        raise InputError(f"无法写入 {output}：{exc.strerror}") from None
    if replaced:
        click.echo(f"注意：已替换原有文件 {output}", err=True)


@cli.command("codeowners")
@_root
@_as_of
@click.option("--check", is_flag=True, help="只检查 .github/CODEOWNERS 是否为最新，过期时以 1 退出。")
def codeowners_command(root: Path, as_of: datetime | None, check: bool) -> None:
    """由记录生成 .github/CODEOWNERS（机构的可提交人审核其记录，市人社局审核全部）。"""
    if check:
        pending = codeowners_pending(root, as_of=_day(as_of))
        if pending is None:
            click.echo("错误：.github/CODEOWNERS 已过期，请运行 jxjy codeowners 重新生成", err=True)
            sys.exit(1)
        if pending:
            click.echo(f"注意：{len(pending)} 个新增记录尚未列入 .github/CODEOWNERS（{'、'.join(pending)}），"
                       "在此之前由维护者审核；合并后请维护者运行 jxjy codeowners。", err=True)
        return
    click.echo(write_codeowners(root, as_of=_day(as_of)).as_posix())


@cli.command("check-authz")
@_root
@click.option("--author", required=True, help="提交人的 GitHub 用户名（不带 @）。")
@click.option("--base", required=True, help="目标分支，如 origin/main；所有者以它为准。")
@click.option("--head", default=None, help="变更所在的提交（默认工作区）。")
@click.option("--teams", "teams_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="团队成员名单（YAML 或 JSON：{\"@org/team\": [login, ...]}）。")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
              help="输出格式。")
def check_authz_command(root: Path, author: str, base: str, head: str | None, teams_file: Path, fmt: str) -> None:
    """检查提交人是否有权修改这次变更涉及的每一条记录和文件。"""
    diags = check_authz(root, author=author, base=base, head=head, teams=load_teams(teams_file))
    click.echo(FORMATS[fmt](diags), nl=False)
    sys.exit(1 if diags else 0)


@cli.command("migrate")
@_root
@_as_of
@click.option("--dry-run", is_flag=True, help="只列出将要转换的记录，不写任何文件。")
def migrate_command(root: Path, as_of: datetime | None, dry_run: bool) -> None:
    """把旧格式的记录转换为当前 schema 的格式（保留注释和原文）。"""
    splits = migrate(root, today=_day(as_of), dry_run=dry_run)
    for split in splits:
        click.echo(f"{split.base.relative_to(root).as_posix()}：公示移入新的名单公告 "
                   f"{split.notice.relative_to(root).as_posix()}，基地记录改为指向它")
    verb = "将转换" if dry_run else "已转换"
    click.echo(f"{verb} {len(splits)} 条记录。" if splits else "没有需要转换的记录。", err=True)


@cli.command("forms")
@_root
@click.option("--check", is_flag=True, help="只检查，不写入；表单与 schema/ 不一致时以 1 退出。")
def forms_command(root: Path, check: bool) -> None:
    """由 schema/ 生成 .github/ISSUE_TEMPLATE/ 下的议题表单（认定申请、计划报送、纠错）。"""
    for name in (stale := write_forms(root, check=check)):
        click.echo(f"{TEMPLATE_DIR / name}: " + ("与 schema/ 不一致，请运行 jxjy forms" if check
                                                 else "不是生成的表单，请确认是否应删除"), err=True)
    sys.exit(1 if stale and check else 0)


@cli.command("import")
@_root
@_as_of
@click.option("--kind", type=click.Choice(sorted(KINDS)), default="bases", show_default=True,
              help="导入为哪一类记录。")
@click.option("--sheet", default=None, help="工作表名称（默认第一个可见的工作表）。")
@click.option("--set", "preset", multiple=True, metavar="FIELD=VALUE",
              help="每一行都取这个值（字段名或中文列名），如 --set level=市级；可多次使用。")
@click.option("--dry-run", is_flag=True, help="只校验并列出将写入的文件，不写入。")
@_cache
@click.argument("file", type=click.Path(path_type=Path))  # what it is, the reader says (in Chinese)
def import_command(root: Path, as_of: datetime | None, kind: str, sheet: str | None, preset: tuple[str, ...],
                   dry_run: bool, cache: bool, file: Path) -> None:
    """把 Excel 名单（.xlsx，如批量认定通知的附件）的每一行导入为一条 KIND 类记录。

    每一行都按 jxjy validate 的全部规则（连同已有记录）校验，问题定位到单元格；有任何错误时不写入任何文件。

    退出码：0 已导入（或 --dry-run 校验通过）；1 有错误，未写入；2 文件无法读取、用法或写入问题。
    """
    fixed = {}
    for item in preset:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--set 须写作 FIELD=VALUE，如 --set level=市级（收到「{item}」）")
        fixed[name.strip()] = value
    plan = plan_import(file, root, kind=kind, sheet=sheet, preset=fixed, as_of=_day(as_of),
                       cache_dir=default_cache_dir() if cache else None)
    report = plan.report
    click.echo(render_cells(report.diagnostics), nl=False)
    title = KIND_TITLES[kind]
    if report.errors:
        click.echo(f"发现 {len(report.errors)} 个错误、{len(report.warnings)} 个警告；未写入任何文件。", err=True)
        sys.exit(1)
    if not plan.rows:
        raise InputError(f"工作表「{plan.sheet}」的表头下没有任何数据行，没有可导入的内容")
    span = f"工作表「{visible(plan.sheet)}」第 {plan.rows[0].number}–{plan.rows[-1].number} 行"
    if dry_run:
        for row, path in zip(plan.rows, plan.targets(root), strict=True):
            click.echo(f"将写入 {path.as_posix()}（{_row_label(row)}）")
        click.echo(f"试运行：{len(plan.rows)} 条{title}记录均通过校验（{span}），未写入任何文件。", err=True)
        return
    for row, path in zip(plan.rows, write_plan(plan, root), strict=True):
        click.echo(f"已写入 {path.as_posix()}（{_row_label(row)}）")
    click.echo(f"已导入 {len(plan.rows)} 条{title}记录（{span}）；请运行 jxjy validate 后提交。", err=True)


def _row_label(row: Row) -> str:
    """第 7 行：常州市…基地 (a name, from a hostile cell, shown and never obeyed)."""
    return f"第 {row.number} 行" + (f"：{visible(row.name)}" if row.name else "")


def main() -> None:
    cli(prog_name="jxjy")


