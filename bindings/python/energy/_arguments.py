# SPDX-License-Identifier: Apache-2.0
"""Clear errors for wrong arguments to the compiled functions.

pybind11 answers a call it cannot match with "incompatible function arguments" and a dump of the
C++ signature, which names neither the argument at fault nor what it should be. ``install``
wraps every function, method and constructor of the compiled module so that such a call raises
a ``TypeError`` saying which argument is wrong, what was expected and what was given (or which
argument is missing or unknown). Only that one pybind11 error is translated: every other
exception, and every correct call, passes through unchanged.
"""
from __future__ import annotations

import functools
import re

import numpy as np

_INCOMPATIBLE = re.compile(r"incompatible (function|constructor) arguments")
# "1. (a: int, ...) -> R" for functions, "1. energy._energy.Building(a: str, ...)" for constructors.
_SIGNATURE = re.compile(r"^\s*\d+\. [\w.]*\((.*)\)(?: -> .*)?$", re.M)

# What a reader should pass, for the types pybind11 prints.
_EXPECTED_TEXT = {
    "str": "str",
    "int": "int",
    "float": "a number",
    "bool": "bool",
    "numpy.ndarray": "a numpy array",
}
_HINTS = {
    "zone": " (an IANA zone name such as 'America/Chicago')",
    "time_zone": " (an IANA zone name such as 'America/Chicago')",
    "tariff": " (e.g. energy.read_urdb_file(path).tariff)",
    "uri": " (e.g. 'memory:', 'sqlite:site.db', 'postgresql://...')",
    "resolution": " ('hour', 'day' or 'month')",
}


def _split_top_level(text: str) -> list[str]:
    """Splits a signature's parameter list on commas outside brackets and quotes."""
    parts, depth, quote, current = [], 0, None, []
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _parameters(signature: str) -> list[tuple[str, str, bool, bool]]:
    """(name, type, has_default, keyword_only) per parameter of one pybind11 signature."""
    out, keyword_only = [], False
    for part in _split_top_level(signature):
        if part == "*":
            keyword_only = True
            continue
        if part.startswith("*"):
            return out + [("*", "", True, True)]  # *args / **kwargs: cannot judge further
        head, _, default = part.partition(" = ")
        name, _, type_text = head.partition(": ")
        out.append((name.strip(), type_text.strip(), bool(default), keyword_only))
    return out


def _module_type(name: str, module):
    obj = module
    for piece in name.split(".")[2:]:  # energy._energy.Tariff -> Tariff
        obj = getattr(obj, piece, None)
    return obj if isinstance(obj, type) else None


def _accepts(type_text: str, value, module) -> bool:
    """Whether pybind11 could convert `value` to `type_text` (conservative: unknown = yes)."""
    if type_text in ("object", "handle", "args", "kwargs", "") or type_text.startswith("Callable"):
        return True
    if type_text.startswith("Optional[") and type_text.endswith("]"):
        return value is None or _accepts(type_text[9:-1], value, module)
    if type_text.startswith(("List[", "Sequence[")):
        if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
            return False
        inner = type_text[type_text.index("[") + 1:-1]
        return all(_accepts(inner, v, module) for v in value)
    if type_text.startswith("Dict["):
        return isinstance(value, dict)
    if type_text == "str":
        return isinstance(value, str)
    if type_text == "bool":
        return isinstance(value, (bool, np.bool_))
    if type_text == "int":
        return not isinstance(value, (bool, float)) and hasattr(value, "__index__")
    if type_text == "float":
        return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if type_text.startswith("numpy.ndarray"):
        return True  # array_t converts sequences and Series itself
    if type_text.startswith("energy._energy."):
        cls = _module_type(type_text, module)
        return cls is None or isinstance(value, cls)
    return True


def _describe_expected(name: str, type_text: str) -> str:
    text = type_text
    optional = text.startswith("Optional[")
    if optional:
        text = text[9:-1]
    if text.startswith("energy._energy."):
        text = "energy." + text[len("energy._energy."):]
    elif text.startswith("List["):
        inner = text[5:-1]
        text = "a list of " + _EXPECTED_TEXT.get(inner, inner.replace("energy._energy.", "energy."))
    else:
        text = _EXPECTED_TEXT.get(text, text)
    return text + (" or None" if optional else "") + _HINTS.get(name, "")


def _given(value) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _explain(label: str, signature: str, args: tuple, kwargs: dict, module, is_method: bool) -> str | None:
    params = _parameters(signature)
    if is_method and params and params[0][0] == "self":
        params = params[1:]  # constructors' signatures show no self
    if any(p[0] == "*" for p in params):
        return None
    positional = [p for p in params if not p[3]]
    if len(args) > len(positional):
        names = ", ".join(p[0] for p in positional) or "none"
        extra = [p[0] for p in params[len(positional):]]
        hint = f"; pass {', '.join(n + '=' for n in extra)} by keyword" if extra else ""
        return (f"{label}: takes {len(positional)} positional argument(s) ({names}), "
                f"got {len(args)}{hint}")
    known = {p[0] for p in params}
    for key in kwargs:
        if key not in known:
            return f"{label}: unexpected keyword argument '{key}' (accepted: {', '.join(p[0] for p in params)})"
    bound = {}
    for (name, _, _, _), value in zip(positional, args):
        if name in kwargs:
            return f"{label}: got two values for argument '{name}'"
        bound[name] = value
    bound.update(kwargs)
    for name, type_text, has_default, _ in params:
        if name not in bound:
            if not has_default:
                return f"{label}: missing argument '{name}' ({_describe_expected(name, type_text)})"
            continue
        if not _accepts(type_text, bound[name], module):
            return (f"{label}: argument '{name}' must be {_describe_expected(name, type_text)}, "
                    f"got {_given(bound[name])}")
    return None


def _clearer(error: TypeError, label: str, args, kwargs, module, is_method: bool) -> TypeError | None:
    message = str(error)
    if not _INCOMPATIBLE.search(message):
        return None
    signatures = _SIGNATURE.findall(message)
    explanations = [_explain(label, s, args, kwargs, module, is_method) for s in signatures]
    explanations = [e for e in explanations if e]
    if len(explanations) != len(signatures) or not explanations:
        return None  # cannot say which argument is wrong: keep pybind11's message
    if len(explanations) == 1:
        return TypeError(explanations[0])
    return TypeError(" or ".join(explanations))


def _wrap(function, label: str, module, is_method: bool):
    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TypeError as error:
            clearer = _clearer(error, label, args[1:] if is_method else args, kwargs, module, is_method)
            if clearer is None:
                raise
            raise clearer from None

    return call


def _wrap_setter(setter, label: str, attribute: str, module):
    def set_value(instance, value):
        try:
            return setter(instance, value)
        except TypeError as error:
            signatures = _SIGNATURE.findall(str(error)) if _INCOMPATIBLE.search(str(error)) else []
            params = _parameters(signatures[0]) if len(signatures) == 1 else []
            if len(params) != 2 or _accepts(params[1][1], value, module):
                raise
            raise TypeError(f"{label}: must be {_describe_expected(attribute, params[1][1])}, "
                            f"got {_given(value)}") from None

    return set_value


def install(module) -> None:
    """Wraps the module's functions and its classes' methods and constructors (once)."""
    if getattr(module, "_arguments_installed", False):
        return
    builtin = type(len)
    for name in dir(module):
        obj = getattr(module, name)
        if isinstance(obj, builtin) and not name.startswith("_"):
            setattr(module, name, _wrap(obj, f"{name}()", module, False))
        elif isinstance(obj, type) and obj.__module__ == module.__name__:
            for attr, member in list(vars(obj).items()):
                if attr.startswith("__") and attr != "__init__":
                    continue
                if type(member).__name__ == "instancemethod":
                    label = f"{name}()" if attr == "__init__" else f"{name}.{attr}()"
                    setattr(obj, attr, _wrap(member.__func__, label, module, True))
                elif isinstance(member, property) and member.fset is not None:
                    setattr(obj, attr, property(member.fget, _wrap_setter(member.fset, f"{name}.{attr}", attr, module),
                                                member.fdel, member.__doc__))
                elif isinstance(member, staticmethod):
                    setattr(obj, attr, staticmethod(_wrap(member.__func__, f"{name}.{attr}()", module, False)))
    module._arguments_installed = True
