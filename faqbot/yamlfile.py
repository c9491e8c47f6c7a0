"""YAML reading that remembers where each value came from.

Pack errors must point an editor at `file:line`, so mappings keep the line of
every key. Only YAML's safe types are built: a pack is data, never code.
"""

from __future__ import annotations

from pathlib import Path

import yaml

MAX_FILE_BYTES = 1_000_000


class YamlProblem(Exception):
    """A file that cannot be read as YAML; carries the line when known."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class Located(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int = 0
    item_lines: list


class _Builder(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Composes nodes (with libyaml when present, for speed) and builds safe values."""


def _build(node: yaml.Node, constructor: _Builder):
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        constructor.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = _build(key_node, constructor)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise YamlProblem(
                    Path(node.start_mark.name),
                    key_node.start_mark.line + 1,
                    f"key '{key}' appears twice in the same mapping",
                )
            out[key] = _build(value_node, constructor)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LocatedList(_build(item, constructor) for item in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    return constructor.construct_object(node, deep=True)


def read_yaml(path: Path):
    """Read one YAML file; raise YamlProblem with a line for anything wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(path, 0, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(path, 0, f"file is larger than {MAX_FILE_BYTES} bytes")
    if b"\x00" in raw:
        raise YamlProblem(path, 0, "file is binary, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(path, line, "file is not valid UTF-8 text") from None
    loader = _Builder(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _build(node, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "YAML syntax error"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            what += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise YamlProblem(path, line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(path, 0, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem(path, 0, "YAML is nested too deeply") from None
    finally:
        loader.dispose()
