"""Framework files: YAML read safely (no tags, bounded depth, size and alias expansion, every key once), the bundled
frameworks, :func:`load_framework`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ictindex.errors import FrameworkError, IctIndexError
from ictindex.framework.definition import Framework
from ictindex.limits import check_count
from ictindex.resources import bundled_dir

MAX_YAML_DEPTH = 50
#: Most values the aliases (``*name``) of a framework file may add once expanded: nested aliases grow
#: exponentially ("billion laughs"); the bundled files use none. (The file's own size is bounded by
#: :data:`ictindex.limits.MAX_YAML_BYTES`.)
MAX_YAML_VALUES = 100_000
#: libyaml's parser (about ten times faster than PyYAML's own) when PyYAML was built with it, as its wheels are.
_YAML_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_YAML_BASE):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader that refuses a key repeated within one mapping (PyYAML keeps the last
    silently; YAML 1.2 section 3.2.1.1 requires keys to be unique) and nesting deeper than
    :data:`MAX_YAML_DEPTH` (PyYAML's own composer is recursive and would end in a RecursionError; the composed
    nodes are measured in :func:`_load_yaml` for libyaml's). Errors are of class ``error`` (a framework file's
    :class:`~ictindex.errors.FrameworkError`, an uncertainty spec's :class:`~ictindex.errors.SpecError`)."""

    source = "<yaml>"
    error: type[IctIndexError] = FrameworkError

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # PyYAML's own composer only
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _too_deep(self.source, mark.line + 1, self.error)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, list | dict):
                continue  # unhashable: the base class raises its own error
            if key in seen:
                raise self.error(
                    f"key '{key}' appears twice in one mapping (lines {seen[key]} and {line})",
                    file=self.source,
                    field=str(key),
                    line=line,
                    hint="keep one of them: YAML keeps only the last, silently",
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _too_deep(source: str, line: int | None, error: type[IctIndexError]) -> IctIndexError:
    return error(
        f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep" + (f" (at line {line})" if line else ""),
        file=source,
        line=line,
        hint="a framework or spec is a few levels of mappings and lists: check the file",
    )


def _deepest(node: yaml.Node) -> yaml.Node | None:
    """A node nested deeper than :data:`MAX_YAML_DEPTH`, or ``None`` (iteratively, each node once)."""
    stack, seen = [(node, 1)], set()
    while stack:
        current, depth = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if depth > MAX_YAML_DEPTH:
            return current
        if isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return None


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of values under ``node`` with every alias expanded (memoised: aliases share nodes)."""
    if id(node) not in memo:
        memo[id(node)] = 1  # a recursive alias (&a [*a]) counts once instead of looping
        if isinstance(node, yaml.MappingNode):
            memo[id(node)] += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            memo[id(node)] += sum(_expanded_size(v, memo) for v in node.value)
    return memo[id(node)]


def _load_yaml(text: str, *, source: str, error: type[IctIndexError] = FrameworkError) -> Any:
    """Parse YAML text with :class:`_StrictLoader`: no repeated key, no nesting deeper than
    :data:`MAX_YAML_DEPTH`, no aliases that add more than :data:`MAX_YAML_VALUES` values."""
    loader = _StrictLoader(text)
    loader.source, loader.error = source, error
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        deep = _deepest(node)
        if deep is not None:
            raise _too_deep(source, deep.start_mark.line + 1, error)
        memo: dict[int, int] = {}
        if _expanded_size(node, memo) - len(memo) > MAX_YAML_VALUES:  # what the aliases add to what is written
            raise error(
                f"the YAML holds more than {MAX_YAML_VALUES:,} values once its aliases (*name) are expanded",
                file=source,
                hint="write the values out: a framework or spec needs no deeply nested aliases",
            )
        return loader.construct_document(node)
    except RecursionError:  # PyYAML's own parser, on deeply nested flow collections it meets before composing
        raise _too_deep(source, None, error) from None
    except yaml.YAMLError as err:
        if "maximum nesting depth" in str(err):  # libyaml's own bound (1,000 levels)
            mark = getattr(err, "problem_mark", None)
            raise _too_deep(source, None if mark is None else mark.line + 1, error) from None
        raise
    finally:
        loader.dispose()


def read_yaml(path: str | Path, *, error: type[IctIndexError] = FrameworkError, what: str = "framework") -> Any:
    """Read a YAML file with the framework loader's guards, refusing what is wrong with ``error`` naming the file.

    The guards: the file's size (:data:`ictindex.limits.MAX_YAML_BYTES`, checked before it is read), UTF-8
    text, valid YAML (the line and column of a syntax error), no key repeated in a mapping, no nesting deeper
    than :data:`MAX_YAML_DEPTH`, no alias expansion beyond :data:`MAX_YAML_VALUES`. Used for framework files
    and for uncertainty specs (:meth:`ictindex.factors.UncertaintySpec.load`).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise error(f"cannot read the {what} file: {err.strerror}", file=str(path), hint="check the path") from None
    check_count(size, "MAX_YAML_BYTES", f"the {what} file's size in bytes", error=error, file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = "it is not UTF-8 text" if isinstance(err, UnicodeDecodeError) else str(err.strerror)
        raise error(f"cannot read the {what} file: {reason}", file=str(path), hint="give a UTF-8 YAML file") from None
    try:
        return _load_yaml(text, source=str(path), error=error)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise error(f"not valid YAML{where}: {problem}", file=str(path), hint="fix the YAML syntax there") from None


def available_frameworks() -> list[str]:
    """Names of the frameworks shipped with the library.

    >>> "doi" in available_frameworks()
    True
    """
    return sorted(p.stem for p in bundled_dir("indicators").glob("*.yaml"))


def load_framework(name_or_path: str | Path | Framework) -> Framework:
    """Load a bundled framework by name (``"doi"``) or any framework YAML file by path.

    Raises :class:`~ictindex.errors.FrameworkError` naming the file and field at fault.
    """
    if isinstance(name_or_path, Framework):
        return name_or_path
    path = Path(name_or_path)
    if path.suffix.lower() not in {".yaml", ".yml"} and not path.exists():
        candidate = bundled_dir("indicators") / f"{name_or_path}.yaml"
        if not candidate.is_file():
            raise FrameworkError(
                f"unknown framework '{name_or_path}'",
                hint=f"use one of {available_frameworks()} or the path of a framework YAML file",
            )
        path = candidate
    if not path.is_file():
        raise FrameworkError("framework file not found", file=str(path), hint="check the path")
    return Framework.from_dict(read_yaml(path), source=str(path))
