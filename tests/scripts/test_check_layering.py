"""scripts/check_layering.py: the layering rules (docs/architecture.md,
"Layers") on copies of the tree, each with one breach planted.

The tree itself passes (test.sh runs the script on it); here a copy of
CMakeLists.txt, include/, sim/, tests/ and benchmarks/ gets one wrong-way
include, one positional field read, one stray folder, ... and the script
must fail naming exactly that file and line, and pass again without it.
"""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import viz_support as vs

SCRIPT = vs.SCRIPTS / "check_layering.py"


def run(root, *extra):
    proc = subprocess.run([vs.PYTHON, str(SCRIPT), "--root", str(root), *extra],
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


class Copy:
    """A temporary copy of the parts of the tree the script reads."""

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="layering-")
        self.root = Path(self.dir.name)
        shutil.copy(vs.ROOT / "CMakeLists.txt", self.root / "CMakeLists.txt")
        for d in ("include", "sim", "tests", "benchmarks"):
            shutil.copytree(vs.ROOT / d, self.root / d,
                            ignore=shutil.ignore_patterns("__pycache__", "corpus", "data",
                                                          "golden", "bad_inputs"))
        return self

    def __exit__(self, *exc):
        self.dir.cleanup()

    def append(self, rel, text):
        with open(self.root / rel, "a", encoding="utf-8") as f:
            f.write(text)
        return len((self.root / rel).read_text(encoding="utf-8").splitlines())  # the planted line


class CheckLayering(unittest.TestCase):
    def test_the_tree_passes(self):
        code, out, err = run(vs.ROOT)
        self.assertEqual(code, 0, out + err)
        self.assertIn("includes one way", out)

    def test_the_table_comes_from_cmake(self):
        code, out, _ = run(vs.ROOT, "--table")
        self.assertEqual(code, 0)
        rows = {line.split()[0]: line for line in out.splitlines()}
        for layer in ("core", "clock", "net", "protocol", "check", "fault", "scenario", "world",
                      "report", "campaign", "leasesim"):
            self.assertIn(layer, rows)
        # Transitive: the program may use core through campaign -> ... -> core.
        self.assertIn("core", rows["leasesim"].split("may include")[1])
        self.assertEqual(rows["core"].split("may include")[1].strip(), "-")

    def test_a_wrong_way_include_fails(self):
        for rel, include, layer, target in [
            ("sim/core/rng.cpp", "leasesim/world/world.hpp", "core", "world"),
            ("include/leasesim/check/observers.hpp", "leasesim/report/run_report.hpp", "check",
             "report"),
            ("sim/world/world.cpp", "leasesim/campaign/plan.hpp", "world", "campaign"),
            ("sim/report/verdict.cpp", "leasesim/campaign/record.hpp", "report", "campaign"),
        ]:
            with self.subTest(rel=rel), Copy() as c:
                self.assertEqual(run(c.root)[0], 0)
                line = c.append(rel, f'#include "{include}"\n')
                code, out, _ = run(c.root)
                self.assertEqual(code, 1, out)
                self.assertEqual(out.count("\n"), 1, out)
                self.assertIn(f"{rel}:{line}: layer {layer} includes {include} of layer {target}",
                              out)

    def test_a_downward_include_passes(self):
        with Copy() as c:
            c.append("sim/report/verdict.cpp", '#include "leasesim/core/rng.hpp"\n')
            c.append("sim/campaign/plan.cpp", '#include "leasesim/report/verdict.hpp"\n')
            self.assertEqual(run(c.root)[0], 0)

    def test_a_folder_no_layer_owns_fails(self):
        with Copy() as c:
            (c.root / "sim" / "stray").mkdir()
            (c.root / "sim" / "stray" / "x.cpp").write_text('#include "leasesim/core/rng.hpp"\n')
            code, out, _ = run(c.root)
            self.assertEqual(code, 1)
            self.assertIn("sim/stray/x.cpp: in no layer's folder", out)

    def test_new_layers_come_from_cmake(self):
        # A protocol module in a nested folder (the plugin layout):
        # declared with leasesim_library, it may use what it links only.
        with Copy() as c:
            with open(c.root / "CMakeLists.txt", "a", encoding="utf-8") as f:
                f.write("leasesim_library(demo protocols/demo leasesim_protocol)\n")
            (c.root / "sim" / "protocols" / "demo").mkdir(parents=True)
            mod = c.root / "sim" / "protocols" / "demo" / "demo.cpp"
            mod.write_text('#include "leasesim/protocol/node.hpp"\n')
            self.assertEqual(run(c.root)[0], 0, run(c.root)[1])
            mod.write_text('#include "leasesim/protocol/node.hpp"\n'
                           '#include "leasesim/world/world.hpp"\n')
            code, out, _ = run(c.root)
            self.assertEqual(code, 1)
            self.assertIn("sim/protocols/demo/demo.cpp:2: layer demo includes "
                          "leasesim/world/world.hpp of layer world", out)

    def test_a_positional_field_read_fails_outside_codecs(self):
        for rel, text in [
            ("sim/check/observers.cpp", "uint64_t bad(const leasesim::Record& r) { return r.f[0]; }\n"),
            ("tests/world/world_test.cpp", "void bad(leasesim::Record& r) { r.f = {}; }\n"),
            ("include/leasesim/world/records.hpp", "inline uint64_t bad(const Record& r) { return r.f[1]; }\n"),
        ]:
            with self.subTest(rel=rel), Copy() as c:
                line = c.append(rel, text)
                code, out, _ = run(c.root)
                self.assertEqual(code, 1, out)
                self.assertIn(f"{rel}:{line}: reads or writes record fields by position", out)

    def test_codecs_may_read_fields(self):
        with Copy() as c:
            c.append("include/leasesim/world/records.hpp", """
namespace leasesim::world_rec {
struct Demo {
  static constexpr uint16_t kKind = kind_range::kWorld + 60;
  static constexpr KindDesc kDesc{kKind, "demo", 1, {fd::uint("n")}};
  uint64_t n = 0;
  void encode(Record& r) const {
    r.f[0] = n;
  }
  static Demo decode(const Record& r) { return {r.f[0]}; }
};
}  // namespace leasesim::world_rec
""")
            code, out, _ = run(c.root)
            self.assertEqual(code, 0, out)


if __name__ == "__main__":
    unittest.main()


class TestFileNamespaces(unittest.TestCase):
    """Rule 3: each test file's anonymous namespaces and tests sit inside a
    namespace named after the file (CI's unity build of the test binaries)."""

    def test_an_anonymous_namespace_outside_the_files_namespace_fails(self):
        with Copy() as c:
            line = c.append("tests/core/rng_test.cpp",
                            "namespace leasesim {\nnamespace {\nint helper() { return 1; }\n"
                            "}  // namespace\n}  // namespace leasesim\n")
            code, out, _ = run(c.root)
            self.assertEqual(code, 1, out)
            self.assertIn(f"tests/core/rng_test.cpp:{line - 3}: anonymous namespace outside "
                          "`namespace rng_test`", out)

    def test_a_test_outside_the_files_namespace_fails(self):
        for macro in ("TEST", "TEST_F", "TEST_P", "INSTANTIATE_TEST_SUITE_P"):
            with self.subTest(macro=macro), Copy() as c:
                line = c.append("tests/world/world_test.cpp",
                                f"namespace leasesim {{\n{macro}(Planted, Case) {{}}\n"
                                "}  // namespace leasesim\n")
                code, out, _ = run(c.root)
                self.assertEqual(code, 1, out)
                self.assertIn(f"tests/world/world_test.cpp:{line - 1}: test outside "
                              "`namespace world_test`", out)

    def test_the_files_namespace_may_be_nested_or_named_in_one(self):
        for opening, closing in [
            ("namespace leasesim {\nnamespace rng_test {", "}  // namespace rng_test\n}  // namespace leasesim"),
            ("namespace leasesim::raft::rng_test {", "}  // namespace leasesim::raft::rng_test"),
        ]:
            with self.subTest(opening=opening), Copy() as c:
                c.append("tests/core/rng_test.cpp",
                         f"{opening}\nnamespace {{\nTEST(Planted, Case) {{}}\n}}  // namespace\n"
                         f"{closing}\n")
                code, out, err = run(c.root)
                self.assertEqual(code, 0, out + err)

    def test_only_test_files_are_held_to_it(self):
        with Copy() as c:
            c.append("tests/protocol/harness.hpp",
                     "namespace leasesim {\nnamespace {\nint planted() { return 1; }\n"
                     "}  // namespace\n}  // namespace leasesim\n")
            code, out, err = run(c.root)
            self.assertEqual(code, 0, out + err)
