"""Input limits on filters, checked before and after parsing: length, bracket and NOT depth,
AST depth and size, list length and geometry vertices. A new limit goes here."""
from __future__ import annotations

import re
from typing import Any

from .base import FilterError

MAX_TEXT_LENGTH = 16_384
MAX_PAREN_DEPTH = 32
MAX_DEPTH = 32
MAX_NODES = 200
MAX_IN_ITEMS = 1000
MAX_VERTICES = 10_000

TOKEN = re.compile(r"""'(?:[^']|'')*'?|"(?:[^"]|"")*"?|[A-Za-z_][A-Za-z0-9_.:]*|\s+|.""", re.S)


def check_nesting(text: str) -> None:
    """Cheap pre-parse limits on what makes the parser recurse: brackets, NOT and unary-minus chains."""
    depth = nots = 0
    tokens = [t for t in TOKEN.findall(text) if not t.isspace()]
    for i, token in enumerate(tokens):
        if token == "(":
            depth += 1
            if depth > MAX_PAREN_DEPTH:
                raise FilterError(f"the filter is nested too deeply (at most {MAX_PAREN_DEPTH} brackets)")
        elif token == ")":
            depth -= 1
        elif token.upper() == "NOT":
            nots += 1
            if nots > MAX_NODES:
                raise FilterError(f"the filter is too complex (at most {MAX_NODES} terms)")
        elif token == "-" and i + 1 < len(tokens) and tokens[i + 1] in ("-", "("):
            raise FilterError("arithmetic is not supported in filters")


def check_shape(expr: Any) -> None:
    """Reject ASTs that are too deep or too large before walking them."""
    nodes = 0
    stack: list[tuple[Any, int, bool]] = [(expr, 1, False)]
    while stack:
        node, depth, in_list = stack.pop()
        if depth > MAX_DEPTH:
            raise FilterError("the filter is nested too deeply")
        if isinstance(node, dict):
            nodes += 1
            if "coordinates" in node or "geometries" in node:
                _count_vertices(node)
                continue
            for key, value in node.items():
                if key == "args" and isinstance(value, list):
                    if len(value) > MAX_NODES:
                        raise FilterError(f"the filter is too complex (at most {MAX_NODES} terms)")
                    stack.extend((v, depth + 1, False) for v in value)
                else:
                    stack.append((value, depth + 1, False))
        elif isinstance(node, list):
            if len(node) > MAX_IN_ITEMS:
                raise FilterError(f"too many values in a list (at most {MAX_IN_ITEMS})")
            nodes += 1
            stack.extend((v, depth + 1, True) for v in node)
        elif not in_list:
            nodes += 1
        if nodes > MAX_NODES:
            raise FilterError(f"the filter is too complex (at most {MAX_NODES} terms)")


def _count_vertices(geometry: dict[str, Any]) -> None:
    positions = 0
    stack: list[tuple[Any, int]] = [(geometry, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > 8:
            raise FilterError("a geometry in the filter is nested too deeply")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            if node and not isinstance(node[0], (list, dict)):
                positions += 1  # a coordinate position [x, y(, z)]
                if positions > MAX_VERTICES:
                    raise FilterError(f"a geometry in the filter has too many vertices (at most {MAX_VERTICES})")
            else:
                stack.extend((v, depth + 1) for v in node)
