"""scripts/plot_io.py: save_atomically writes a picture whole, through
symbolic links (the link stays a link, its target is replaced), and in
place through a link to an open descriptor (/dev/stdout redirected into a
file is never replaced). Before, the temporary was renamed onto the link
itself (found by an adversarial test of the CLI; leasesim's own outputs had
the same fault, tests/core/atomic_file_test.cpp).
"""

import os
import tempfile
import unittest

import viz_support  # noqa: F401  (makes scripts/ importable)

import plot_io


class FakeFigure:
    """Writes `contents` where savefig is told to, as matplotlib would."""

    def __init__(self, contents):
        self.contents = contents

    def savefig(self, where, format=None, **kwargs):  # noqa: A002 (matplotlib's name)
        with open(where, "wb") as f:
            f.write(self.contents)


class SaveAtomically(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leasesim-plot-io-")

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def test_a_plain_path_is_written_whole(self):
        plot_io.save_atomically(FakeFigure(b"png"), self.path("a.png"))
        self.assertEqual(self.read("a.png"), b"png")
        self.assertEqual(sorted(os.listdir(self.dir)), ["a.png"])

    def test_a_relative_path_is_checked_and_written(self):
        # A bare file name in the current folder (its folder is "").
        cwd = os.getcwd()
        os.chdir(self.dir)
        try:
            plot_io.check_writable("rel.png")
            plot_io.save_atomically(FakeFigure(b"rel"), "rel.png")
        finally:
            os.chdir(cwd)
        self.assertEqual(self.read("rel.png"), b"rel")
        self.assertEqual(sorted(os.listdir(self.dir)), ["rel.png"])

    def test_a_symlink_is_written_through(self):
        with open(self.path("target.png"), "wb") as f:
            f.write(b"old")
        os.mkdir(self.path("sub"))
        os.symlink("../target.png", self.path("sub/link.png"))
        os.symlink("sub/link.png", self.path("link2.png"))
        for name in ("sub/link.png", "link2.png"):
            with self.subTest(name):
                plot_io.save_atomically(FakeFigure(name.encode()), self.path(name))
                self.assertTrue(os.path.islink(self.path(name)))
                self.assertEqual(self.read("target.png"), name.encode())
        self.assertEqual(sorted(os.listdir(self.dir)), ["link2.png", "sub", "target.png"])

    def test_a_link_to_a_descriptor_is_written_in_place(self):
        if not os.path.isdir("/proc/self/fd"):
            self.skipTest("no /proc/self/fd")
        with open(self.path("out.png"), "wb") as out:
            os.symlink("/proc/self/fd/%d" % out.fileno(), self.path("mystdout.png"))
            plot_io.save_atomically(FakeFigure(b"streamed"), self.path("mystdout.png"))
        self.assertTrue(os.path.islink(self.path("mystdout.png")))
        self.assertEqual(self.read("out.png"), b"streamed")
        self.assertEqual(sorted(os.listdir(self.dir)), ["mystdout.png", "out.png"])

    def test_a_regular_file_under_dev_is_written_whole(self):
        # /dev/shm holds regular files: only descriptors are streams (all of
        # /dev was written in place; found by a review).
        if not os.access("/dev/shm", os.W_OK):
            self.skipTest("no writable /dev/shm")
        path = "/dev/shm/leasesim-plot-io-%d.png" % os.getpid()
        seen = []

        class Spy(FakeFigure):
            def savefig(self, where, format=None, **kwargs):  # noqa: A002
                seen.append(where)
                super().savefig(where, format, **kwargs)
        try:
            plot_io.save_atomically(Spy(b"shm"), path)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), b"shm")
            self.assertNotEqual(seen, [path])  # drawn to a temporary, then renamed
        finally:
            if os.path.exists(path):
                os.remove(path)

    def test_a_loop_of_links_is_refused(self):
        os.symlink("b.png", self.path("a.png"))
        os.symlink("a.png", self.path("b.png"))
        with self.assertRaises(ValueError) as e:
            plot_io.check_writable(self.path("a.png"))
        self.assertIn("Too many levels of symbolic links", str(e.exception))
        self.assertTrue(os.path.islink(self.path("a.png")))

    def test_dot_dot_in_a_link_is_the_kernels_to_follow(self):
        # w/d -> real/deep, and real/deep/link.png -> ../target.png: the
        # picture belongs in real/, not w/ (normpath resolved ".." by text).
        os.makedirs(self.path("real/deep"))
        os.mkdir(self.path("w"))
        os.symlink(self.path("real/deep"), self.path("w/d"))
        os.symlink("../target.png", self.path("real/deep/link.png"))
        plot_io.save_atomically(FakeFigure(b"deep"), self.path("w/d/link.png"))
        self.assertEqual(self.read("real/target.png"), b"deep")
        self.assertFalse(os.path.exists(self.path("w/target.png")))


if __name__ == "__main__":
    unittest.main()
