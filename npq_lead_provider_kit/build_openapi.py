"""Build the self-contained v2 and v3 OpenAPI documents from their sources.

    python -m npq_lead_provider_kit.build_openapi          # write openapi/npq-lead-provider-v{2,3}.yaml
    python -m npq_lead_provider_kit.build_openapi --check  # exit 1 if a written document is out of date

The behaviour reference describes v2 and v3 as a delta against v1, and so do the sources: v1
(`openapi/npq-lead-provider-v1.yaml`) is written by hand and is the base layer, `openapi/src/common.yaml`
holds what v2 and v3 share beyond v1, and `openapi/src/v2.yaml` / `v3.yaml` hold each version's own parts.
The published documents stay self-contained (Schemathesis, Swagger UI, spec_diff and code generators read
one file).

Source rules (standard library + PyYAML only):

* `$ref` to `FILE#/components/<kind>/<Name>` with no sibling keys **imports** that component: the output gets
  `#/components/<kind>/<Name>`. References inside an imported component (or inlined fragment) are bound late:
  when the version's own source defines a component of that name, the version's definition wins. That is how
  v2 reuses v1's operations while answering with v2's participant and declaration schemas.
* Any other `$ref` to another file (a pointer that is not a component, or one with sibling keys) is
  **inlined**, then the sibling keys are deep-merged over it (mappings merge, anything else replaces).
* Inside a merge, `x-omit: [keys]` removes keys, `x-append: {key: [items]}` appends to a list, and
  `x-order: [names]` fixes an object schema's `properties` to exactly those names in that order (a property
  that is new relative to the base is also added to `required`, the rest keep their `required` status).
* `#/components/...` references inside a version's own source name its own component, or, when it defines
  none of that name, the base document's (v1's), which is then imported. A top-level `x-fields` mapping
  holds fragments that `#/x-fields/...` references inline; it is not published.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

import yaml

from .resources import openapi_dir

VERSIONS = ("v2", "v3")
KINDS = (
    "securitySchemes", "parameters", "responses", "examples", "requestBodies", "headers", "links", "schemas",
)
DIRECTIVES = ("x-omit", "x-append", "x-order")


def output_name(version: str) -> str:
    return f"npq-lead-provider-{version}.yaml"


class BuildError(Exception):
    pass


def _load(path: Path, cache: dict[Path, Any]) -> Any:
    path = path.resolve()
    if path not in cache:
        with path.open(encoding="utf-8") as fh:
            cache[path] = yaml.safe_load(fh)
    return cache[path]


def _pointer(doc: Any, pointer: str, where: str) -> Any:
    node = doc
    for part in pointer.lstrip("/").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise BuildError(f"{where}: cannot resolve {pointer!r}") from exc
    return node


def _component(pointer: str) -> tuple[str, str] | None:
    parts = pointer.lstrip("/").split("/")
    if len(parts) == 3 and parts[0] == "components" and parts[1] in KINDS:
        return parts[1], parts[2]
    return None


def deep_merge(base: Any, over: Any) -> Any:
    """`over` merged onto `base`, honouring the x-omit / x-append / x-order directives of `over`."""
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return copy.deepcopy(over)
    merged = copy.deepcopy(base)
    base_props = set((base.get("properties") or {}).keys())
    for key, value in over.items():
        if key in DIRECTIVES:
            continue
        merged[key] = deep_merge(merged[key], value) if key in merged else copy.deepcopy(value)
    for key in over.get("x-omit", []):
        merged.pop(key, None)
    for key, items in (over.get("x-append") or {}).items():
        merged[key] = list(merged.get(key) or []) + list(items)
    if "x-order" in over:
        order = over["x-order"]
        props = merged.get("properties") or {}
        missing = [name for name in order if name not in props]
        if missing:
            raise BuildError(f"x-order names properties that do not exist: {missing}")
        merged["properties"] = {name: props[name] for name in order}
        required = set(merged.get("required") or [])
        merged["required"] = [name for name in order if name in required or name not in base_props]
    return merged


class Builder:
    def __init__(self, source: Path, order_like: Path | None = None):
        self.source = source.resolve()
        self.order_like = order_like
        self.cache: dict[Path, Any] = {}
        self.doc = _load(self.source, self.cache)
        self.local = {kind: dict(self.doc.get("components", {}).get(kind) or {}) for kind in KINDS}
        self.imported: dict[tuple[str, str], tuple[Path, Any]] = {}
        self.in_progress: set[tuple[str, str]] = set()

    def _target(self, ref: str, base: Path, where: str) -> tuple[Path, str]:
        file_part, _, pointer = ref.partition("#")
        path = (base.parent / file_part).resolve() if file_part else base
        if not path.is_file():
            raise BuildError(f"{where}: no such file {file_part!r}")
        return path, pointer

    def process(self, node: Any, base: Path, where: str) -> Any:
        if isinstance(node, list):
            return [self.process(item, base, f"{where}/{i}") for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if "$ref" not in node:
            return {
                key: (value if key in DIRECTIVES else self.process(value, base, f"{where}/{key}"))
                for key, value in node.items()
            }
        ref = node["$ref"]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        path, pointer = self._target(ref, base, where)
        component = _component(pointer)
        if component and not siblings:
            kind, name = component
            if name in self.local[kind]:
                return {"$ref": f"#/components/{kind}/{name}"}
            if path == self.source:
                if self.order_like is None:
                    raise BuildError(f"{where}: {ref} is not defined")
                path = self.order_like.resolve()  # not defined by the version: take the base document's
            self._import(kind, name, path, where)
            return {"$ref": f"#/components/{kind}/{name}"}
        if path == self.source and not siblings and not pointer.startswith("/x-fields"):
            return {"$ref": ref}
        target = self.process(_pointer(_load(path, self.cache), pointer, where), path, f"{ref}")
        return deep_merge(target, self.process(siblings, base, where))

    def _local(self, node: Any, where: str) -> Any:
        """A component of the version's own source; one that is just a `$ref` to another file is inlined."""
        if isinstance(node, dict) and set(node) == {"$ref"} and not node["$ref"].startswith("#"):
            path, pointer = self._target(node["$ref"], self.source, where)
            return self.process(_pointer(_load(path, self.cache), pointer, where), path, node["$ref"])
        return self.process(node, self.source, where)

    def _import(self, kind: str, name: str, path: Path, where: str) -> None:
        key = (kind, name)
        if key in self.imported:
            if self.imported[key][0] != path:
                first = self.imported[key][0]
                raise BuildError(f"{where}: {kind}/{name} imported from both {first} and {path}")
            return
        self.imported[key] = (path, None)
        node = _pointer(_load(path, self.cache), f"/components/{kind}/{name}", where)
        self.imported[key] = (path, self.process(node, path, f"{path.name}#/components/{kind}/{name}"))

    def build(self) -> dict:
        skip = ("components", "x-fields")
        out = {k: self.process(v, self.source, k) for k, v in self.doc.items() if k not in skip}
        local = {
            kind: {name: self._local(node, f"#/components/{kind}/{name}") for name, node in items.items()}
            for kind, items in self.local.items()
        }
        # Components appear in the order of the base document (v1), then the version's own new ones.
        base = _load(self.order_like, self.cache).get("components", {}) if self.order_like else {}
        components: dict[str, dict] = {}
        for kind in KINDS:
            merged = dict(local[kind])
            for (k, name), (_, node) in self.imported.items():
                if k == kind:
                    merged[name] = node
            rank = {name: i for i, name in enumerate(base.get(kind) or {})}
            names = sorted(merged, key=lambda n, r=rank, m=list(merged): (r.get(n, len(r)), m.index(n)))
            if names:
                components[kind] = {name: merged[name] for name in names}
        out["components"] = components
        return out


HEADER = """\
# GENERATED FILE: do not edit. Built by `python -m npq_lead_provider_kit.build_openapi` from
# openapi/src/{version}.yaml, openapi/src/common.yaml and openapi/npq-lead-provider-v1.yaml
# (tests/openapi/test_build.py fails when this file and the build disagree).
"""


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render(version: str, src_dir: Path | None = None) -> str:
    src_dir = src_dir or openapi_dir() / "src"
    doc = Builder(src_dir / f"{version}.yaml", order_like=openapi_dir() / "npq-lead-provider-v1.yaml").build()
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return HEADER.format(version=version) + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a document is stale")
    args = parser.parse_args(argv)
    stale = []
    for version in VERSIONS:
        target = openapi_dir() / output_name(version)
        text = render(version)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python -m npq_lead_provider_kit.build_openapi)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
