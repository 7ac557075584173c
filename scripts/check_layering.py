#!/usr/bin/python3
"""Checks leasesim's two structural rules (docs/architecture.md, "Layers").

1. Layers depend one way. Every `#include "leasesim/<layer>/..."` in
   include/ and sim/ must name the including file's own layer or one it
   links, directly or through the layers it links. The table of layers and
   what each links is read from CMakeLists.txt, the one source of truth:
   `leasesim_layer(NAME DEPS...)` (folder NAME), `leasesim_library(NAME
   DIR DEPS...)` (folder DIR, e.g. protocols/raft_lease), and the program's
   `add_executable(leasesim SOURCES)` with `target_link_libraries(leasesim
   ...)` (its folder: where its sources, or the glob naming them, are). A
   file in a folder no layer owns is an error too: a new layer is declared
   in CMake first.

2. Records are read and written through their kind's codec. A record's
   fields (`.f[i]`, `.f = {...}`) are touched only inside the encode() and
   decode() of a typed record (a struct with a `kDesc`), in core/trace.hpp
   (the record itself, its hasher and the generic codec), and in the few
   tests and benchmarks of those listed in POSITIONAL_OK.

3. Each test file's code lives in a namespace named after the file
   (tests/core/rng_test.cpp: `namespace rng_test`, or `leasesim::rng_test`):
   every anonymous namespace and every TEST/TEST_F/TEST_P/TYPED_TEST/
   INSTANTIATE_TEST_SUITE_P in tests/*/*_test.cpp is inside one. CI
   compiles each test binary as one translation unit (LEASESIM_UNITY_TESTS,
   tests/CMakeLists.txt), where the anonymous namespaces of all its files
   would be one namespace and their helpers would clash.

Usage: check_layering.py [--root DIR] [--table]
  --root DIR  the source tree (default: this script's parent's parent)
  --table     print the layer table (folder, links, may include) and exit

Exit 0 if the rules hold, 1 with one line per breach (file:line: what),
2 if CMakeLists.txt cannot be read.
"""

import argparse
import os
import re
import sys

# Files allowed to touch record fields by position besides codecs, and why.
POSITIONAL_OK = {
    "include/leasesim/core/trace.hpp": "the record, its hasher and the generic codec",
    "tests/support/record_codec.hpp": "checks every codec against its descriptor",
    "tests/core/trace_test.cpp": "tests the record hash itself, field by field",
    "benchmarks/trace_bench.cpp": "benchmarks the record hash on synthetic records",
}

CALL_RE = re.compile(
    r"\b(leasesim_layer|leasesim_library|target_link_libraries|add_executable|file)\s*\(")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"leasesim/([^"]+)"')
FIELD_RE = re.compile(r"\.f\s*\[|\.f\s*=(?!=)")
CODEC_RE = re.compile(r"\b(void\s+encode\s*\(\s*Record\s*&|static\s+\w+\s+decode\s*\(\s*const\s+Record\s*&)")


def cmake_calls(text):
    """(command, [args]) for each call of interest, comments stripped."""
    text = re.sub(r"#[^\n]*", "", text)
    for m in CALL_RE.finditer(text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        yield m.group(1), text[m.end():i - 1].split()


def layer_table(root):
    """{layer: (folder, set of linked layers)} from CMakeLists.txt."""
    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
        text = f.read()
    layers, globs, program_folder, program_deps = {}, {}, None, []

    def sim_folder(path):
        m = re.search(r"/sim/(.+)/[^/]*$", path)
        return m.group(1) if m else None

    for cmd, args in cmake_calls(text):
        if cmd == "file" and len(args) >= 3 and args[0] == "GLOB":
            globs[args[1]] = next((sim_folder(a) for a in args[2:] if sim_folder(a)), None)
            continue
        if cmd == "add_executable" and args and args[0] == "leasesim":
            for a in args[1:]:
                var = re.fullmatch(r"\$\{(\w+)\}", a)
                program_folder = program_folder or (globs.get(var.group(1)) if var else sim_folder(a))
            continue
        if cmd == "target_link_libraries" and args and args[0] == "leasesim":
            program_deps = args[1:]
            continue
        if cmd == "leasesim_layer" and args:
            name, folder, deps = args[0], args[0], args[1:]
        elif cmd == "leasesim_library" and len(args) >= 2:
            name, folder, deps = args[0], args[1], args[2:]
        else:
            continue
        if "$" in name or name == "name":  # the helper functions' own bodies
            continue
        layers[name] = (folder, linked_layers(deps))
    if program_folder:
        layers["leasesim"] = (program_folder, linked_layers(program_deps))
    return layers


def linked_layers(deps):
    return {d[len("leasesim_"):] for d in deps if d.startswith("leasesim_") and d != "leasesim_flags"}


def closure(layers):
    """{layer: every layer it may include: itself and all it links, transitively}."""
    out = {}
    for name in layers:
        seen, todo = {name}, [name]
        while todo:
            for dep in layers.get(todo.pop(), ("", set()))[1]:
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        out[name] = seen
    return out


def owner(layers, rel):
    """The layer whose folder holds `rel` (a path below include/leasesim/ or
    sim/), by the longest matching folder; None if no layer's."""
    best, best_len = None, -1
    for name, (folder, _) in layers.items():
        if (rel == folder or rel.startswith(folder + "/")) and len(folder) > best_len:
            best, best_len = name, len(folder)
    return best


def source_files(root, top):
    base = os.path.join(root, top)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith((".hpp", ".cpp", ".h", ".cc")):
                path = os.path.join(dirpath, fn)
                yield path, os.path.relpath(path, root).replace(os.sep, "/")


def check_includes(root, layers):
    may = closure(layers)
    errors = []
    for top, prefix in (("include/leasesim", "include/leasesim/"), ("sim", "sim/")):
        for path, rel in source_files(root, top):
            inner = rel[len(prefix):]
            layer = owner(layers, inner)
            if layer is None:
                errors.append(f"{rel}: in no layer's folder (declare the layer in CMakeLists.txt)")
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE_RE.match(line)
                    if not m:
                        continue
                    target = owner(layers, m.group(1))
                    if target is None:
                        errors.append(f"{rel}:{n}: includes leasesim/{m.group(1)}, "
                                      "which is in no layer's folder")
                    elif target not in may[layer]:
                        errors.append(
                            f"{rel}:{n}: layer {layer} includes leasesim/{m.group(1)} of layer "
                            f"{target}, which it does not link (it may include: "
                            f"{', '.join(sorted(may[layer]))})")
    return errors


def check_positional(root):
    errors = []
    for top in ("include", "sim", "tests", "benchmarks"):
        for path, rel in source_files(root, top):
            if rel in POSITIONAL_OK:
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
            typed = any("kDesc" in l for l in lines)
            depth = 0          # brace depth inside a codec function, 0 outside
            for n, line in enumerate(lines, 1):
                code = line.split("//", 1)[0]
                if depth == 0 and typed and CODEC_RE.search(code):
                    depth = code.count("{") - code.count("}")
                    if depth <= 0:  # a one-line codec
                        depth = 0
                        continue
                    continue
                if depth > 0:
                    depth += code.count("{") - code.count("}")
                    continue
                if FIELD_RE.search(code):
                    errors.append(f"{rel}:{n}: reads or writes record fields by position "
                                  "outside a codec (use decode_as<Kind>(r) / encode_record)")
    return errors


NAMESPACE_OPEN_RE = re.compile(r"^namespace ([\w:]*) ?\{")
NAMESPACE_CLOSE_RE = re.compile(r"^\}  // namespace")
TEST_MACRO_RE = re.compile(r"^(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P|INSTANTIATE_TEST_SUITE_P)\(")


def check_test_namespaces(root):
    """Rule 3: anonymous namespaces and tests sit inside the file's namespace.

    Namespaces are followed by their opening lines and clang-format's
    closing comments (`}  // namespace ...`), which every namespace longer
    than a line has; nothing else in a test file starts with either."""
    errors = []
    tests = os.path.join(root, "tests")
    for path, rel in source_files(root, "tests"):
        if not rel.endswith("_test.cpp") or os.path.dirname(os.path.dirname(path)) != tests:
            continue
        stem = os.path.basename(rel)[:-len(".cpp")]
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        open_names = []  # the namespaces open at each line, outermost first
        for n, line in enumerate(lines, 1):
            m = NAMESPACE_OPEN_RE.match(line)
            if m:
                inside = any(name.split("::")[-1] == stem for name in open_names)
                if m.group(1) == "" and not inside:
                    errors.append(f"{rel}:{n}: anonymous namespace outside `namespace {stem}` "
                                  "(each test file's code lives in a namespace named after the file)")
                open_names.append(m.group(1))
            elif NAMESPACE_CLOSE_RE.match(line):
                if open_names:
                    open_names.pop()
            elif TEST_MACRO_RE.match(line):
                if not any(name.split("::")[-1] == stem for name in open_names):
                    errors.append(f"{rel}:{n}: test outside `namespace {stem}` "
                                  "(each test file's code lives in a namespace named after the file)")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--table", action="store_true")
    args = ap.parse_args()
    try:
        layers = layer_table(args.root)
    except OSError as e:
        print(f"check_layering: cannot read CMakeLists.txt: {e}", file=sys.stderr)
        return 2
    if not layers:
        print("check_layering: CMakeLists.txt declares no layers", file=sys.stderr)
        return 2
    if args.table:
        may = closure(layers)
        for name, (folder, linked) in layers.items():
            print(f"{name:12} {folder:22} links {', '.join(sorted(linked)) or '-':40} "
                  f"may include {', '.join(sorted(may[name] - {name})) or '-'}")
        return 0
    errors = (check_includes(args.root, layers) + check_positional(args.root) +
              check_test_namespaces(args.root))
    for e in errors:
        print(e)
    if errors:
        print(f"check_layering: {len(errors)} breach(es) of the layering rules "
              "(docs/architecture.md, \"Layers\")", file=sys.stderr)
        return 1
    print(f"check_layering: {len(layers)} layers, includes one way, records through their codecs, "
          "test files in their own namespaces")
    return 0


if __name__ == "__main__":
    sys.exit(main())
