"""A framework: its indicators and tree of nodes, checked as a whole (one index node, every node connected, weights
and methods that apply), with errors that say where in the file."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from functools import cached_property
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from ictindex.errors import FrameworkError
from ictindex.framework.parts import (
    CheckSetting,
    Imputation,
    Indicator,
    Node,
    Screening,
    Treatment,
    _Model,
    _registered,
)
from ictindex.limits import check_count


class Framework(_Model):
    """A whole index: metadata, the tree of nodes and the indicators."""

    code: str
    name: str
    version: str | None = None
    description: str | None = None
    citation: str | None = None
    index: str
    scale: float = Field(default=1.0, gt=0)
    rounding: int = Field(default=2, ge=0, le=10)
    min_coverage: float = Field(default=2 / 3, ge=0, le=1)
    min_indicators: int | None = Field(default=None, ge=1)
    # what a unit of the data is called in titles, headers and messages (province, district, city); default:
    # "economy" for economies, else the units table's word or "unit" (ictindex.units)
    unit_noun: str | None = Field(default=None, pattern=r"^[^\W\d_](?:[^\W\d_]|[ '-]){0,39}$")
    unit_plural: str | None = Field(default=None, pattern=r"^[^\W\d_](?:[^\W\d_]|[ '-]){0,39}$")
    imputation: Imputation = Imputation()
    screening: Screening | None = None
    treatment: Treatment | None = None
    checks: dict[str, CheckSetting] | None = None
    current_framework: str | None = None
    nodes: tuple[Node, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _tree(self) -> Framework:
        codes = [n.code for n in self.nodes] + [i.code for i in self.indicators]
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                raise ValueError(f"code '{code}' is used twice (node and indicator codes must be unique)")
            seen.add(code)
        nodes = {n.code: n for n in self.nodes}
        if self.index not in nodes:
            raise ValueError(f"the index node '{self.index}' is not among the nodes {sorted(nodes)}")
        parent: dict[str, str] = {}
        for n in self.nodes:
            for c in n.children:
                if c.code not in seen:
                    raise ValueError(f"node '{n.code}' has child '{c.code}', which is neither a node nor an indicator")
                if c.code in parent:
                    raise ValueError(
                        f"'{c.code}' is a child of both '{parent[c.code]}' and '{n.code}'; the framework must be a tree"
                    )
                parent[c.code] = n.code
        if self.min_indicators is not None and self.min_indicators > len(self.indicators):
            raise ValueError(
                f"min_indicators {self.min_indicators} is more than the {len(self.indicators)} "
                "indicators of the framework"
            )
        _check_checks(self.checks, {i.code for i in self.indicators})
        if self.index in parent:
            raise ValueError(
                f"cycle in the tree: the index node '{self.index}' is listed as a child of '{parent[self.index]}'"
            )
        # walk down from the index: every code must be reached once (a cycle or a detached part is not)
        children = {n.code: [c.code for c in n.children] for n in self.nodes}
        reached, stack = {self.index}, [self.index]
        while stack:
            for child in children.get(stack.pop(), ()):
                reached.add(child)
                if child in children:
                    stack.append(child)
        for code in codes:
            if code not in reached:
                raise ValueError(_detached(code, parent, self.index))
        return self

    # -- navigation ---------------------------------------------------------------
    @cached_property
    def _nodes_by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    @cached_property
    def _indicators_by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def node(self, code: str) -> Node:
        try:
            return self._nodes_by_code[code]
        except KeyError:
            raise FrameworkError(f"no node '{code}' in framework '{self.code}'", node=code) from None

    def indicator(self, code: str) -> Indicator:
        try:
            return self._indicators_by_code[code]
        except KeyError:
            raise FrameworkError(f"no indicator '{code}' in framework '{self.code}'", indicator=code) from None

    def label(self, code: str) -> str:
        """Display name of a node or indicator (what tables and charts print for a code).

        >>> from ictindex.framework import load_framework
        >>> load_framework("doi").label("internet_tariff")
        'Internet access tariffs (20 hours per month) as a percentage of per capita income'
        """
        node = self._nodes_by_code.get(code)
        return node.name if node is not None else self.indicator(code).name

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @cached_property
    def aggregation_order(self) -> list[str]:
        """Node codes bottom-up: every node comes after all of its child nodes."""
        nodes = self._nodes_by_code
        order: list[str] = []
        stack: list[tuple[str, bool]] = [(self.index, False)]
        while stack:  # iterative post-order: a chain thousands of levels deep is fine
            code, expanded = stack.pop()
            if expanded:
                order.append(code)
                continue
            stack.append((code, True))
            stack.extend((c.code, False) for c in reversed(nodes[code].children) if c.code in nodes)
        return order

    @cached_property
    def top_down_order(self) -> list[str]:
        """Node codes level by level from the index down, in the order the file lists children."""
        nodes = self._nodes_by_code
        order, queue = [], deque([self.index])
        while queue:
            code = queue.popleft()
            order.append(code)
            queue.extend(c.code for c in nodes[code].children if c.code in nodes)
        return order

    @cached_property
    def parents(self) -> dict[str, str]:
        return {c.code: n.code for n in self.nodes for c in n.children}

    @cached_property
    def depths(self) -> dict[str, int]:
        """Level of every node and indicator (0 = the index)."""
        out = {self.index: 0}
        for code in self.top_down_order:
            for c in self._nodes_by_code[code].children:
                out[c.code] = out[code] + 1
        return out

    def depth(self, code: str) -> int:
        return self.depths[code]

    @property
    def series_codes(self) -> set[str]:
        """Every source-series code the framework can compute an indicator from."""
        return {s for i in self.indicators if i.source for s in i.source.codes}

    # -- serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @property
    def sha256(self) -> str:
        """Hash of the framework's content (for provenance records)."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def __repr__(self) -> str:  # short (issue 27): pydantic's would print the whole tree
        return f"<Framework {self.code}: {self.name}, {len(self.nodes)} nodes, {len(self.indicators)} indicators>"

    def _repr_html_(self) -> str:  # the notebook card (ictindex.display, issue 27)
        from ictindex.display import framework_card
        from ictindex.weights import weights_table

        return framework_card(self, weights_table(self)).html()

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<dict>") -> Framework:
        if not isinstance(data, dict):
            raise FrameworkError(
                "a framework must be a mapping with 'code', 'name', 'index', 'nodes' and 'indicators'",
                file=source,
                hint="see indicators/doi.yaml for a complete example",
            )
        for key in ("indicators", "nodes"):  # before validating: 100,000 indicators would take minutes
            if isinstance(data.get(key), list | tuple):
                check_count(
                    len(data[key]),
                    "MAX_INDICATORS",
                    f"the framework's {key}",
                    error=FrameworkError,
                    file=source,
                    field=key,
                )
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            raise FrameworkError(
                f"invalid framework: {first['msg'].removeprefix('Value error, ')}",
                file=source,
                field=_describe_location(data, first["loc"]),
                hint="correct that field (see indicators/doi.yaml for a complete example)",
            ) from None


def _check_checks(settings: dict[str, CheckSetting] | None, indicators: set[str]) -> None:
    """A ``checks:`` section names registered checks (or ``all``), parameters they take and indicators of
    the framework."""
    from ictindex.registry import checks

    for name, setting in (settings or {}).items():
        if name != "all":
            _registered("checks", name)
            taken = checks.get(name).parameters
            unknown = sorted(set(setting.params()) - set(taken))
            if unknown:
                raise ValueError(f"check '{name}' takes no parameter {unknown}; its parameters: {sorted(taken)}")
        elif setting.params():
            raise ValueError("'all' sets a severity for every check and takes no parameters")
        strange = sorted(set(setting.indicators or {}) - indicators)
        if strange:
            raise ValueError(f"check '{name}' names indicators {strange} that are not in the framework")


def _detached(code: str, parent: dict[str, str], index: str) -> str:
    """Why ``code`` is not reached from the index: the cycle it sits on, or that it hangs loose."""
    path, seen = [code], {code}
    while path[-1] in parent:
        up = parent[path[-1]]
        if up in seen:
            return "cycle in the tree: " + " -> ".join([*path, up])
        path.append(up)
        seen.add(up)
    return f"'{code}' is not connected to the index node '{index}'"


def _describe_location(data: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location into ``nodes[2] (code 'opportunity').children[0].weight``."""
    parts: list[str] = []
    current = data
    for key in loc:
        if isinstance(key, int) and isinstance(current, list) and key < len(current):
            current = current[key]
            label = f"[{key}]"
            if isinstance(current, dict) and "code" in current:
                label += f" (code '{current['code']}')"
            parts.append(label)
        else:
            current = current.get(key) if isinstance(current, dict) else None
            parts.append(("." if parts else "") + str(key))
    return "".join(parts) or "<top level>"
