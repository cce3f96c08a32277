"""Load one untrusted YAML record into plain JSON types, with the position of every node.

Records come from many hands, so the loader never constructs objects from the YAML stream
directly: it walks the parser's events (linear, no recursion, no alias expansion) and builds
the data itself, rejecting what a record never needs — anchors and aliases (ruamel has no alias
limit and check-jsonschema expands them past 4 GB), tags, directives (a `%YAML 1.1` line turns
`no` into false), several documents, deep nesting, complex or duplicate keys. Plain scalars are
typed by ruamel's YAML 1.2 resolver; timestamps stay strings so that `format: date` judges them
(ruamel raises a bare ValueError for 2024-02-30). Every failure is a LoadError carrying a
located Chinese message, never a traceback.

The parser is libyaml's, and tests/test_yaml_suite.py holds the loader to the YAML test suite: what
libyaml accepts against YAML 1.2 (lines indented too little, a `#` glued to a closing quote) is
refused here, and what it cannot read or misreads in flow collections is refused by a rule of its
own, yaml-flow-ambiguous, rather than read wrong or reported in libyaml's English.

Why one module of this size: every stage (bytes to text, the character screen, the event walk and
its layout checks) decides what a record file may contain, and each refusal must be located the
same way; about 150 lines are tables (foreign encodings, invisible characters with their reasons,
libyaml's messages in Chinese), each with its reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from generator.diagnostics import Diagnostic, Location

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_NODES = 20_000
MAX_SCALAR = 100_000
# An integer holds at most 15 digits: every such number is exact in JSON as JavaScript reads it (below
# 2**53), and Python's int() refuses strings of more than 4300 digits with a bare ValueError.
MAX_DIGITS = 15
MAX_KEY = 1024  # YAML's own limit for a plain key; an explicit `? key` has none

Path = tuple[str | int, ...]

# YAML 1.2 §5.2: an encoding shows in the first bytes, as a byte order mark or as the NUL bytes
# around the first (ASCII) character. UTF-32 first: FF FE 00 00 also starts like UTF-16 LE.
_FOREIGN_ENCODINGS = (
    (re.compile(rb"\x00\x00\xfe\xff|\xff\xfe\x00\x00"), "检测到 UTF-32 字节顺序标记"),
    (re.compile(rb"\x00\x00\x00[^\x00]|[^\x00]\x00\x00\x00"), "开头的字符间夹着 NUL 字节，看起来是 UTF-32"),
    (re.compile(rb"\xfe\xff|\xff\xfe"), "检测到 UTF-16 字节顺序标记"),
    (re.compile(rb"\x00[^\x00]|[^\x00]\x00"), "开头的字符间夹着 NUL 字节，看起来是 UTF-16"),
)

# A file with no node: blank lines, comments and document markers (libyaml fails on a lone `...`).
_NOTHING = re.compile(r"(?:[ \t]*(?:#.*)?(?:\r?\n|$)|(?:---|\.\.\.)(?:[ \t]+(?:#.*)?)?(?:\r?\n|$))*")
_TAB = re.compile("\t")
_BLOCK_HEADER = re.compile(r"[|>]([1-9][+-]?|[+-][1-9]?)?")
# Control characters, and a carriage return that does not end a CRLF line: git and GitHub see no
# line break there, so a lone-CR file is one line in review and every reported line is off.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
_WHITESPACE_MESSAGES = {
    "\t": "不允许使用制表符（Tab），请改用空格",
    "\r": "换行须为 LF 或 CRLF：此处是单独的回车符 U+000D（旧式 Mac 换行），git 和 GitHub 不把它当作换行；"
          "请在编辑器中把换行方式改为 LF",
}

# Characters that let a record say something other than what a reviewer sees, with what a clerk
# reads about each: (first, last, name, why). Invisible format characters (zero-width characters
# inside names and 发文字号; bidi controls, the Trojan Source attack; tag characters, which
# smuggle ASCII text), separators that some programs show as a line break and others not at all,
# fillers that look blank, private-use characters (their glyph depends on the font), noncharacters.
_UNSEEN = "看不见，会使看起来相同的文字成为不同的取值"
_BIDI = "双向控制字符，会改变文字的显示顺序"
_CHARACTERS = (
    *((plane + 0xFFFE, plane + 0xFFFF, "非字符", "不代表任何文字") for plane in range(0, 0x110000, 0x10000)),
    (0xFDD0, 0xFDEF, "非字符", "不代表任何文字"),
    (0x00AD, 0x00AD, "软连字符", _UNSEEN),
    (0x061C, 0x061C, "阿拉伯字母标记", _BIDI),
    (0x115F, 0x115F, "谚文初声填充符", "显示为空白"),
    (0x1160, 0x1160, "谚文中声填充符", "显示为空白"),
    (0x180E, 0x180E, "蒙古文元音分隔符", _UNSEEN),
    (0x200B, 0x200B, "零宽空格", _UNSEEN),
    (0x200C, 0x200C, "零宽不连字", _UNSEEN),
    (0x200D, 0x200D, "零宽连字", _UNSEEN),
    (0x200E, 0x200E, "从左到右标记", _BIDI),
    (0x200F, 0x200F, "从右到左标记", _BIDI),
    (0x2028, 0x2028, "行分隔符", "有的软件显示为换行，有的不显示"),
    (0x2029, 0x2029, "段分隔符", "有的软件显示为换行，有的不显示"),
    (0x202A, 0x202A, "从左到右嵌入", _BIDI),
    (0x202B, 0x202B, "从右到左嵌入", _BIDI),
    (0x202C, 0x202C, "双向格式结束", _BIDI),
    (0x202D, 0x202D, "从左到右覆盖", _BIDI),
    (0x202E, 0x202E, "从右到左覆盖", _BIDI),
    (0x2060, 0x2060, "词连接符", _UNSEEN),
    (0x2061, 0x2064, "不可见数学运算符", _UNSEEN),
    (0x2066, 0x2066, "从左到右隔离", _BIDI),
    (0x2067, 0x2067, "从右到左隔离", _BIDI),
    (0x2068, 0x2068, "首个强字符隔离", _BIDI),
    (0x2069, 0x2069, "双向隔离结束", _BIDI),
    (0x206A, 0x206F, "已废弃的格式控制符", _UNSEEN),
    (0x3164, 0x3164, "谚文填充符", "显示为空白"),
    (0xD800, 0xDFFF, "代理码位", "不是有效字符"),
    (0xE000, 0xF8FF, "私用区字符", "显示成什么字取决于字体"),
    (0xFE00, 0xFE0F, "变体选择符", _UNSEEN),
    (0xFEFF, 0xFEFF, "字节顺序标记 BOM", _UNSEEN),
    (0xFFA0, 0xFFA0, "半角谚文填充符", "显示为空白"),
    (0xFFF9, 0xFFFB, "行间注释符", _UNSEEN),
    (0xE0000, 0xE007F, "标签字符", "看不见，可用来夹带文字"),
    (0xF0000, 0x10FFFF, "私用区字符", "显示成什么字取决于字体"),
)
# Ideographic variation selectors pick a registered glyph of the ideograph just before them (a rare
# form in a person's name): allowed there, refused anywhere else.
_IVS = (0xE0100, 0xE01EF, "表意文字变体选择符", "只能紧跟在汉字之后")
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003fffd"
_INVISIBLE = re.compile(
    "[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last, _name, _why in _CHARACTERS) + "]"
    + f"|(?<![{_IDEOGRAPHS}])[\\U{_IVS[0]:08x}-\\U{_IVS[1]:08x}]"
)

# The only numbers a record may hold: plain decimals. 0x1F, 0o17, 1_000, 017 and 1e3 all resolve
# to numbers in YAML and read back as something the writer did not mean.
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")

_YAML = YAML(typ="safe")  # C parser when ruamel.yaml.clib is installed; YAML 1.2 typing
# ruamel's YAML 1.2 implicit resolvers by first character, read once: its resolve() looks up the
# document's version at every call, a third of the loading time. Its legacy tags for "<<", "=",
# "!", "&" and "*" are left out: in the YAML 1.2 core schema those are text.
_IMPLICIT = {
    first: tuple((tag.rsplit(":", 1)[1], regexp) for tag, regexp in pairs
                 if tag.rsplit(":", 1)[1] in ("bool", "null", "int", "float", "timestamp"))
    for first, pairs in _YAML.resolver.versioned_resolver.items()
}

# libyaml's messages, by how they start, in the words a clerk reads. The position says where.
_YAML_PROBLEMS = {
    "mapping values are not allowed": "此处不能出现「键: 值」（冒号后需空格，或值需加引号）",
    "could not find expected ':'": "缺少冒号「:」",
    "did not find expected key": "缺少键，或缩进不一致",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "found character that cannot start any token": "出现不能作为开头的字符（如 @、` 或 %），请给值加引号",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "did not find expected ',' or ']'": "方括号列表未闭合",
    "did not find expected ',' or '}'": "花括号映射未闭合",
    "found unknown escape character": "双引号字符串中有无效的转义字符",
    "block sequence entries are not allowed in this context": "此处不能出现列表项「- 」",
    "found a tab character": "缩进中使用了制表符（Tab），请改用空格",
    "found invalid Unicode character escape code": "双引号字符串中的 \\u 转义不是有效字符",
    "did not find expected node content": "此处缺少取值",
    "did not find expected <document start>": "上一段内容已在此前结束，这一行无法归属（请检查缩进）",
    "found unexpected document indicator": "「---」或「...」出现在取值中间（请检查引号是否闭合，或把这一行缩进）",
    "did not find expected comment or line break": "此处只能是注释或换行，不能再有内容",
    "did not find expected whitespace or line break": "此处应为空格或换行",
    "found unexpected ':'": "此处不能出现冒号「:」（如是文字请加引号）",
    "found an indentation indicator equal to 0": "块标量「|」「>」的缩进指示符须为 1–9，不能为 0",
    "did not find expected hexdecimal number": "双引号字符串中的 \\x、\\u 或 \\U 转义后须是十六进制数字",
}
_UNEXPLAINED = "无法解析此处的内容（请检查这一行及上一行的缩进、冒号、引号和括号）"


class LoadError(Exception):
    """A record file that cannot be read as a record: where, which rule, why."""

    def __init__(self, line: int, col: int, rule: str, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.rule, self.message = line, col, rule, message

    def diagnostic(self, path: str) -> Diagnostic:
        return Diagnostic(Location(path, self.line, self.col), self.rule, self.message)


@dataclass
class Document:
    """A loaded record: plain data plus the 1-based position of every key and value."""

    data: dict[str, Any]
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of the node at `path` (its key when `key`), else of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values:
            path = path[:-1]
        return self.values[path]


def load_document(raw: bytes) -> Document:
    """Decode, screen and load one record file.

    Args:
        raw: the file's bytes.

    Returns:
        The document with positions.

    Raises:
        LoadError: for anything that is not a plain, single YAML mapping.
    """
    text = _decode(raw)
    _screen(text)
    if not text.endswith("\n"):
        # libyaml drops the last line break of a `|` or `>` scalar that ends the file without one
        # (YAML keeps it: `foo: |` then `  x` at the end reads "x\n"); a final newline changes nothing else.
        text += "\n"
    try:
        return _build(_YAML.parse(text), text)
    except YAMLError:  # unmarked: a reader error, for a character the screens already refuse
        raise LoadError(1, 1, "yaml-syntax", "YAML 语法错误：文件含有 YAML 不接受的字符") from None


def size_problem(size: int) -> LoadError | None:
    """The error for a file of `size` bytes when that is over MAX_BYTES, else None."""
    if size <= MAX_BYTES:
        return None
    return LoadError(1, 1, "yaml-too-large", f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）")


def _decode(raw: bytes) -> str:
    too_large = size_problem(len(raw))
    if too_large:
        raise too_large
    for pattern, found in _FOREIGN_ENCODINGS:
        if pattern.match(raw):
            raise LoadError(1, 1, "yaml-encoding", f"文件须为 UTF-8 编码（{found}），请另存为 UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 BOM is harmless: accept it
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _position(prefix, len(prefix))
        raise LoadError(line, col, "yaml-encoding",
                        f"文件须为 UTF-8 编码：第 {exc.start + 1} 字节（0x{raw[exc.start]:02X}）无效，"
                        "请另存为 UTF-8") from None


def _screen(text: str) -> None:
    if _NOTHING.fullmatch(text):
        raise LoadError(1, 1, "yaml-empty", "文件为空，应为一条记录（键值映射）")
    for pattern, rule in ((_TAB, "yaml-tab"), (_CONTROL, "yaml-control-char"), (_INVISIBLE, "yaml-invisible-char")):
        match = pattern.search(text)
        if match is not None:
            line, col = _position(text, match.start())
            char = match.group()
            raise LoadError(line, col, rule, _WHITESPACE_MESSAGES.get(char) or f"含有 {_describe(char)}，请删除")


def _screen_scalar(value: str, line: int, col: int) -> None:
    for pattern, rule in ((_CONTROL, "yaml-control-char"), (_INVISIBLE, "yaml-invisible-char")):
        match = pattern.search(value)
        if match is not None:
            raise LoadError(line, col, rule, f"取值中含有 {_describe(match.group())}，可能来自转义序列，请删除")


def _describe(char: str) -> str:
    """U+00AD 软连字符（…）: the code point, its Chinese name, and why it is refused."""
    code = ord(char)
    for first, last, name, why in (*_CHARACTERS, _IVS):
        if first <= code <= last:
            return f"U+{code:04X} {name}（{why}）"
    return f"U+{code:04X} 控制字符"


def clip(text: str, limit: int = 40) -> str:
    """`text` as a message quotes it: at most `limit` characters, cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _position(text: str, index: int) -> tuple[int, int]:
    # Lines end at \n, as git and GitHub count them. The parser's marks agree: the screen refuses
    # YAML's other line breaks (a lone \r, U+0085, U+2028, U+2029) before parsing.
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _explain(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return _UNEXPLAINED


_FLOW_TEXT = ("方括号「[]」或花括号「{}」中，含冒号「:」或以问号「?」开头的文字须加引号"
              "（这种写法各种 YAML 工具读法不一，或读不出来）")
_FLOW_KEY = ("花括号「{}」中的键须和它的冒号写在同一行（这种写法各种 YAML 工具读法不一，或读不出来）；"
             "如果映射本应在上一行结束，请补上「}」")


class _Lines:
    """The text by lines, to read around the parser's marks (0-based line and column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def offset(self, mark: Any) -> int:
        return self.starts[mark.line] + mark.column

    def line(self, number: int) -> str:
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[number]:end].rstrip("\r\n")

    def starts_line(self, mark: Any) -> bool:
        return not self.text[self.starts[mark.line]:self.offset(mark)].strip(" ")


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    flow: bool  # written in [ ] or { }
    column: int  # 0-based, where a block collection's lines start
    key: str | None = None  # a mapping's key awaiting its value


def _guarded(events: Any, stack: list[_Frame], lines: _Lines) -> Any:
    """The parser's events; its errors as located LoadErrors, with the rule a record breaks."""
    try:
        yield from events
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, any(frame.flow for frame in stack), lines) from None


def _syntax_error(exc: MarkedYAMLError, in_flow: bool, lines: _Lines) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    problem, context = (exc.problem or "").strip(), (exc.context or "").strip()
    if mark is None:
        return LoadError(1, 1, "yaml-syntax", f"YAML 语法错误：{_explain(problem or context)}")
    line, col = mark.line + 1, mark.column + 1
    at = lines.text[lines.offset(mark):lines.offset(mark) + 2]
    if context in ("while scanning an anchor", "while scanning an alias"):
        return LoadError(line, col, "yaml-anchor", "不允许使用锚点「&」或别名「*」，请直接写出取值")
    if "directive" in context or "directive" in problem or "incompatible YAML document" in problem:
        return LoadError(line, col, "yaml-directive", "不允许使用以「%」开头的指令行（会改变取值含义），请删除该行")
    if "tag" in context or "tag" in problem:
        return LoadError(line, col, "yaml-tag", "不允许使用标签（以「!」开头），请删除")
    # Valid YAML that libyaml cannot read. Its scanner may run ahead of the events (a whole first
    # line), so a message that only a flow collection produces says "in flow" too.
    in_flow = in_flow or problem.startswith(("found unexpected ':'", "did not find expected ','"))
    glued = at[:1] == "?" or at[:1] == ":" and problem.startswith(("found unexpected", "did not find expected node"))
    if in_flow and glued:
        return LoadError(line, col, "yaml-flow-ambiguous", _FLOW_TEXT)
    if problem.startswith("did not find expected ',' or '}'") and at[:1] == ":":  # a key on more than one line
        return LoadError(line, col, "yaml-flow-ambiguous", _FLOW_KEY)
    if problem.startswith("did not find expected key") and at[:1] == ":" and at[1:2] in (" ", "\r", "\n"):
        return LoadError(line, col, "yaml-key", "缺少键：冒号「:」前没有字段名")
    return LoadError(line, col, "yaml-syntax", f"YAML 语法错误：{_explain(problem or context)}")


def _check_layout(event: Any, stack: list[_Frame], in_flow: bool, lines: _Lines) -> LoadError | None:
    """What YAML refuses and libyaml lets through: comments without a space (raised), and lines
    indented too little (returned: the caller raises it unless the parser, reading on, fails first
    with the likelier cause, such as an unclosed bracket). `in_flow`: the event is inside [ ] or { },
    or closes them."""
    indent = next((frame.column for frame in reversed(stack) if not frame.flow), -1)
    line, col = event.start_mark.line + 1, event.start_mark.column + 1
    if in_flow and lines.starts_line(event.start_mark) and event.start_mark.column <= indent:
        return LoadError(line, col, "yaml-syntax", "YAML 语法错误：方括号或花括号换行后的内容须比所属的键缩进更多")
    end = lines.offset(event.end_mark)
    quoted = isinstance(event, ScalarEvent) and event.style in ("'", '"')
    closed = quoted or isinstance(event, (MappingEndEvent, SequenceEndEvent))
    if closed and lines.text[end:end + 1] == "#":  # after a closing quote or bracket: not a comment
        raise LoadError(event.end_mark.line + 1, event.end_mark.column + 1, "yaml-syntax",
                        "YAML 语法错误：注释的「#」前须有空格")
    if not isinstance(event, ScalarEvent):
        return None
    if event.style in ("|", ">"):
        _check_block_scalar(event, indent, lines)
        return None
    start = lines.offset(event.start_mark)
    if not event.style and in_flow and lines.text[start - 1:start] == "?":
        raise LoadError(line, col - 1, "yaml-flow-ambiguous", _FLOW_TEXT)  # libyaml dropped it
    for number in range(event.start_mark.line + 1, event.end_mark.line + 1):  # a scalar's later lines
        text = lines.line(number)
        spaces = len(text) - len(text.lstrip(" "))
        if text.strip(" ") and spaces <= indent:
            return LoadError(number + 1, spaces + 1, "yaml-syntax",
                             "YAML 语法错误：跨行取值的后续行须比所属的键缩进更多")
    return None


def _check_block_scalar(event: Any, indent: int, lines: _Lines) -> None:
    header = _BLOCK_HEADER.match(lines.text, lines.offset(event.start_mark))
    assert header is not None  # the event starts at its | or >
    if lines.text[header.end():header.end() + 1] == "#":
        raise LoadError(event.start_mark.line + 1, event.start_mark.column + 1 + len(header.group()), "yaml-syntax",
                        "YAML 语法错误：注释的「#」前须有空格")
    if any(c.isdigit() for c in header.group()):  # an explicit indentation: no guessing
        return
    # The content's indentation is that of its first non-empty line: an empty line before it may not
    # have more spaces (YAML 1.2 §8.1.1.1); libyaml takes the widest of them instead.
    widest: tuple[int, int] | None = None
    for number in range(event.start_mark.line + 1, len(lines.starts)):
        text = lines.line(number)
        spaces = len(text) - len(text.lstrip(" "))
        if text.strip(" "):
            if spaces > indent and widest is not None and widest[0] > spaces:
                raise LoadError(widest[1] + 1, 1, "yaml-syntax",
                                "YAML 语法错误：块标量「|」「>」开头的空行比第一行内容缩进更多，请删去空行中多余的空格")
            return
        if widest is None or spaces > widest[0]:
            widest = (spaces, number)


def _build(events: Any, text: str) -> Document:
    doc = Document(data={})
    stack: list[_Frame] = []
    lines = _Lines(text)
    documents = nodes = 0
    root: Any = None
    late: LoadError | None = None
    for event in _guarded(events, stack, lines):
        if late is not None:
            raise late
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise LoadError(line, col, "yaml-multi-document",
                                "一个文件只能有一条记录（发现第二个文档「---」）")
            if event.version or event.tags:
                raise LoadError(line, col, "yaml-directive",
                                "不允许使用 %YAML 或 %TAG 指令（会改变取值含义），请删除该行")
            continue
        if isinstance(event, AliasEvent):
            raise LoadError(line, col, "yaml-anchor", f"不允许使用别名「*{clip(event.anchor)}」，请直接写出取值")
        if not isinstance(event, (ScalarEvent, CollectionStartEvent, MappingEndEvent, SequenceEndEvent)):
            continue
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            if stack.pop().flow:
                late = _check_layout(event, stack, True, lines)
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise LoadError(line, col, "yaml-too-large", f"节点过多（上限 {MAX_NODES} 个）")
        if event.anchor is not None:
            raise LoadError(line, col, "yaml-anchor", f"不允许使用锚点「&{clip(event.anchor)}」，请直接写出取值")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise LoadError(line, col, "yaml-tag", f"不允许使用标签「{clip(tag)}」，请删除")
        if not stack and not isinstance(event, MappingStartEvent):  # before the parser reads on
            raise LoadError(1, 1, "yaml-not-mapping", "记录须为键值映射（「字段: 值」），而不是单个值或列表")
        frame = stack[-1] if stack else None
        late = _check_layout(event, stack, frame is not None and frame.flow, lines)
        if frame is not None and isinstance(frame.container, dict) and frame.key is None:
            frame.key = _key(event, frame, doc, line, col)
            continue
        value = _value(event, line, col)
        if frame is None:
            path: Path = ()
            root = value
        elif isinstance(frame.container, dict):
            path = (*frame.path, frame.key)  # type: ignore[arg-type]
            frame.container[frame.key] = value  # type: ignore[index]
            frame.key = None
        else:
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
        doc.values[path] = (line, col)
        if isinstance(event, CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise LoadError(line, col, "yaml-depth", f"嵌套层级过深（上限 {MAX_DEPTH} 层）")
            stack.append(_Frame(value, path, bool(event.flow_style), event.start_mark.column))
    doc.data = root
    return doc


def _key(event: Any, frame: _Frame, doc: Document, line: int, col: int) -> str:
    if not isinstance(event, ScalarEvent):
        raise LoadError(line, col, "yaml-key", "不支持复合键：键必须是文本")
    key = event.value
    if len(key) > MAX_KEY:
        raise LoadError(line, col, "yaml-too-large", f"键过长（{len(key)} 字，上限 {MAX_KEY} 字）：键应为字段名")
    if event.style == '"':  # only double quotes have escapes that the raw screen cannot see
        _screen_scalar(key, line, col)
    if key == "<<" and not event.style:
        raise LoadError(line, col, "yaml-key", "不允许使用合并键「<<」，请直接写出字段")
    if not event.style and _implicit_tag(key) != "str":
        raise LoadError(line, col, "yaml-key", f"键「{clip(key)}」必须是文本（字段名）")
    assert isinstance(frame.container, dict)
    if key in frame.container:
        first = doc.keys[(*frame.path, key)]
        raise LoadError(line, col, "yaml-duplicate-key",
                        f"字段「{clip(key)}」重复（第 {first[0]} 行已出现）")
    doc.keys[(*frame.path, key)] = (line, col)
    return key


def _value(event: Any, line: int, col: int) -> Any:
    if isinstance(event, MappingStartEvent):
        return {}
    if isinstance(event, SequenceStartEvent):
        return []
    if len(event.value) > MAX_SCALAR:
        raise LoadError(line, col, "yaml-too-large", f"取值过长（上限 {MAX_SCALAR} 字）")
    if event.style:  # quoted or block scalar: always text ('' or None is plain)
        if event.style == '"':  # escapes such as "\u202e" bypass the raw screen
            _screen_scalar(event.value, line, col)
        return event.value
    text = event.value
    tag = _implicit_tag(text)
    if tag == "bool":
        return text.lower() == "true"
    if tag == "null":
        return None
    if tag not in ("int", "float"):
        return text  # dates stay text, judged by `format: date`
    if not _DECIMAL.fullmatch(text):
        raise LoadError(line, col, "yaml-number",
                        f"数值「{clip(text)}」须写成普通十进制数，如 2025 或 1.5"
                        "（不支持十六进制、八进制、下划线分隔、前导零和科学计数法；如是文本请加引号）")
    if "." in text:
        value = float(text)
        if not math.isfinite(value):
            raise LoadError(line, col, "yaml-number", f"数值「{clip(text)}」超出范围")
        return value
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise LoadError(line, col, "yaml-number", f"整数「{clip(text)}」超出范围（最多 {MAX_DIGITS} 位数字）")
    return int(text)


def _implicit_tag(text: str) -> str:
    """What a plain scalar is in YAML 1.2: bool, null, int, float, timestamp or (else) str."""
    for tag, regexp in _IMPLICIT.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return "str"
