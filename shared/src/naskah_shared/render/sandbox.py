"""The Jinja sandbox uploaded templates render in: escaped output, and a bounded amount of work.

Escaping: every ``{{ }}`` value is XML-escaped in `finalize`, which runs whatever the template
says (``{% autoescape false %}``, ``|safe``): user text can never become markup. Before that,
format characters (soft hyphen, zero-width space, joiners, bidi controls) are dropped and anything
that would read as a signature anchor (``#ttd-…``, in any spelling that normalises to it) is
defused, so a drafter cannot move a signer's stamp (issue 13 #9).

Work: Jinja's own sandbox only refuses ``range()`` beyond 100 000 items. A template can still loop
(nested loops, recursive macros) or build huge values (``"x" * 10**9``, ``10**10**10``,
``|center(10**9)``) for as long as it likes, stalling the thread and every draft queued behind it.
Here each loop iteration and macro call spends one unit of a per-render budget that also carries
a wall-clock deadline; numbers and sizes given to operators and filters are capped. Past any bound
the render stops with `RenderLimit` (HTTP 422), in milliseconds rather than minutes.
"""

from __future__ import annotations

import contextvars
import functools
import operator
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from naskah_shared.naming import ANCHOR_MARK

MAX_STEPS = 50_000  # loop iterations + calls per render; an SK of 500 members needs about 3 000
MAX_SECONDS = 2.0
MAX_RANGE = 10_000
MAX_SIZE = 1_000_000  # characters or items an operator or filter may produce
MAX_NUMBER = 10**6  # an integer argument given to a filter (a width, a count)

TICK = "__naskah_tick"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HASHES = "#\uff03\ufe5f"  # '#' and the characters NFKC folds to it


class RenderLimit(Exception):
    """The template asked for more work than a render may do."""


@dataclass
class _Budget:
    steps: int
    deadline: float


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("render_budget", default=None)


def _tick() -> str:
    budget = _budget.get()
    if budget is None:
        return ""
    budget.steps -= 1
    if budget.steps < 0:
        raise RenderLimit(f"the template does more than {MAX_STEPS} loop iterations or macro calls")
    if budget.steps % 1000 == 0 and time.monotonic() > budget.deadline:
        raise RenderLimit(f"the template took longer than {MAX_SECONDS:g} s to render")
    return ""


class budget:
    """`with budget():` around one render."""

    def __enter__(self) -> None:
        self._token = _budget.set(_Budget(MAX_STEPS, time.monotonic() + MAX_SECONDS))

    def __exit__(self, *exc: object) -> None:
        _budget.reset(self._token)


def defuse_text(value: str) -> str:
    """User text as it may appear in a document: no control or format characters, no anchor look-alike."""
    text = _XML_INVALID.sub("", value)
    # Format characters (category Cf: U+00AD, U+200B-U+200F, U+2060, U+FEFF, bidi controls) print as
    # nothing, so "#ttd\u00ad-kadis#" would read as an anchor in the PDF; they have no place in a letter.
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    if ANCHOR_MARK not in unicodedata.normalize("NFKC", text).casefold():
        return text
    out = list(text)
    for i, c in enumerate(out):
        mark = "".join(out[i + 1:i + 1 + len(ANCHOR_MARK)])
        if c in _HASHES and unicodedata.normalize("NFKC", mark).casefold() == ANCHOR_MARK:
            out[i] = "\u266f"  # ♯: looks like '#' to a reader, is not the anchor to the stamp search
    return "".join(out)


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` value, escaped here so that no template setting can turn escaping off."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "__html__") and not isinstance(value, str):
        return value  # docxtpl's InlineImage/RichText: built by naskah from its own context, not user text
    # str(...) first: a Markup made by |safe is treated as the plain text it came from.
    return escape(defuse_text(str(value)))


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _guard_filter(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)  # keeps jinja_pass_arg (pass_context/pass_environment)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for arg in (*args[1:], *kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER:
                raise RenderLimit(f"filter {name} was given {arg}; the limit is {MAX_NUMBER}")
        out = f(*args, **kwargs)
        if _size(out) > MAX_SIZE:
            raise RenderLimit(f"filter {name} produced more than {MAX_SIZE} characters")
        return out

    return guarded


class LimitedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(autoescape=True, finalize=_finalize, **kwargs)
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = _range
        self.globals[TICK] = _tick

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: Any, right: Any) -> Any:
        if op == "**" and isinstance(left, int | float) and isinstance(right, int | float) and (
                abs(right) > 64 or abs(left) > MAX_NUMBER):
            raise RenderLimit("a power too large to compute")
        if op == "*" and (_size(left) * (right if isinstance(right, int) else 1) > MAX_SIZE
                          or _size(right) * (left if isinstance(left, int) else 1) > MAX_SIZE):
            raise RenderLimit(f"a repetition longer than {MAX_SIZE}")
        if op == "%" and isinstance(left, str) and re.search(r"%[-+ #0]*(\d{5,}|\*)|\.\d{5,}", left):
            raise RenderLimit("a format width too large")
        if op == "+" and _size(left) + _size(right) > MAX_SIZE:
            raise RenderLimit(f"a value longer than {MAX_SIZE}")
        return {"*": operator.mul, "**": operator.pow, "%": operator.mod, "+": operator.add}[op](left, right)

    def call(self, context: jinja2.runtime.Context, obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(context, obj, *args, **kwargs)


def _range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise RenderLimit(f"range() of {len(r)} items; the limit is {MAX_RANGE}")
    return r


def with_ticks(ast: nodes.Template) -> nodes.Template:
    """Make every loop iteration and macro call spend one step of the render's budget."""
    tick = nodes.Output([nodes.Call(nodes.Name(TICK, "load"), [], [], None, None)])
    for node in ast.find_all((nodes.For, nodes.Macro, nodes.CallBlock)):
        assert isinstance(node, nodes.For | nodes.Macro | nodes.CallBlock)  # find_all is typed as any Node
        node.body = [tick, *node.body]
    return ast


__all__ = ["LimitedSandbox", "Markup", "RenderLimit", "budget", "defuse_text", "with_ticks"]
