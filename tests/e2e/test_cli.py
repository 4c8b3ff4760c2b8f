#!/usr/bin/env python3
"""The command line itself: --help for every subcommand, unknown subcommands, exit codes.

The subcommands are read from `flowscope --help` (and `flowscope ca --help` for ca's), so a
subcommand added later is checked too. Exit codes as docs/cli.md gives them: 0 for --help and
--version, 2 for a usage error (with a message that names the cause and where to look), 1 for a
runtime failure, and the child's status for `record -- CMD`.

Run: python3 test_cli.py --flowscope /path/to/flowscope [unittest args]
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402


def listed_subcommands(help_text):
    """The names under 'Subcommands:' in CLI11's help."""
    names = []
    in_section = False
    for line in help_text.splitlines():
        if line.strip() == "Subcommands:":
            in_section = True
            continue
        if in_section:
            m = re.match(r"^  (\S+)\s", line + " ")
            if not m:
                if line.strip():
                    break
                continue
            names.append(m.group(1))
    return names


class HelpTest(e2e.E2ETestCase):

    def test_top_level_help_lists_the_subcommands(self):
        p = e2e.run_flowscope("--help")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        names = listed_subcommands(p.stdout)
        for expected in ("run", "record", "export", "import", "ca"):
            self.assertIn(expected, names, e2e.describe_run(p))

    def test_every_subcommand_has_its_own_help(self):
        top = listed_subcommands(e2e.run_flowscope("--help").stdout)
        commands = [[name] for name in top]
        ca = e2e.run_flowscope("ca", "--help")
        commands += [["ca", name] for name in listed_subcommands(ca.stdout)]
        self.assertIn(["ca", "export"], commands)
        for command in commands:
            with self.subTest(command=" ".join(command)):
                p = e2e.run_flowscope(*command, "--help")
                self.assertEqual(p.returncode, 0, e2e.describe_run(p))
                usage = [l for l in p.stdout.splitlines() if l.startswith("Usage:")]
                self.assertEqual(len(usage), 1, e2e.describe_run(p))
                # Its own usage line, not the top-level one.
                self.assertRegex(usage[0], r"^Usage: \S*flowscope %s( |$)" % re.escape(" ".join(command)))
                self.assertIn("-h,--help", p.stdout)
                self.assertEqual(p.stderr, "", e2e.describe_run(p))

    def test_help_says_record_redacts_and_run_does_not(self):
        record = e2e.run_flowscope("record", "--help")
        self.assertIn("(record: on by default", record.stdout, e2e.describe_run(record))
        self.assertIn("--redact-field", record.stdout)
        self.assertIn("--filter", record.stdout)
        run = e2e.run_flowscope("run", "--help")
        self.assertIn("(run: off by default", run.stdout, e2e.describe_run(run))

    def test_version(self):
        p = e2e.run_flowscope("--version")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertRegex(p.stdout, r"^flowscope \d+\.\d+\.\d+")


class UnknownSubcommandTest(e2e.E2ETestCase):

    def assert_usage_error(self, p, *fragments):
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertEqual(p.stdout, "", "a usage error prints nothing on stdout%s" % e2e.describe_run(p))
        for fragment in fragments:
            self.assertIn(fragment, p.stderr, e2e.describe_run(p))

    def test_a_typo_gets_a_did_you_mean(self):
        for typed, meant in (("recrod", "record"), ("rn", "run"), ("exprot", "export"), ("imprt", "import"),
                             ("rec", "record")):
            with self.subTest(typed=typed):
                p = e2e.run_flowscope(typed, "-o", "x.har", "--", "true")
                self.assert_usage_error(p, "unknown subcommand '%s' for flowscope: did you mean %s?" % (typed, meant))

    def test_the_hint_lists_what_exists(self):
        p = e2e.run_flowscope("frobnicate")
        self.assert_usage_error(p, "unknown subcommand 'frobnicate' for flowscope\n")
        self.assertNotIn("did you mean", p.stderr)
        for name in listed_subcommands(e2e.run_flowscope("--help").stdout):
            self.assertIn(name, p.stderr.splitlines()[1])

    def test_help_after_an_unknown_subcommand_is_still_an_error(self):
        # CLI11 alone prints the top-level help and exits 0 here.
        p = e2e.run_flowscope("frobnicate", "--help")
        self.assert_usage_error(p, "unknown subcommand 'frobnicate'")
        self.assertNotIn("Usage:", p.stderr)

    def test_unknown_ca_subcommand(self):
        p = e2e.run_flowscope("ca", "--home", e2e.make_tempdir(), "expotr", "--format", "der")
        self.assert_usage_error(p, "unknown subcommand 'expotr' for flowscope ca: did you mean export?",
                                "path, export, install and uninstall")

    def test_words_after_a_subcommand_are_its_own(self):
        """A positional of a subcommand is not taken for a subcommand: record's CMD, export's store."""
        d = e2e.make_tempdir()
        har = os.path.join(d, "out.har")
        p = e2e.run_flowscope("record", "-o", har, "--", "sh", "-c", "exit 0")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        store = os.path.join(d, "empty.jsonl")
        open(store, "w").close()
        p = e2e.run_flowscope("export", "--har", os.path.join(d, "e.har"), store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))


class ExitCodeTest(e2e.E2ETestCase):

    def test_no_subcommand(self):
        p = e2e.run_flowscope()
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("flowscope needs a subcommand: run record serve export import ca show diff replay", p.stderr)
        p = e2e.run_flowscope("ca")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("flowscope ca needs a subcommand: path export install uninstall", p.stderr)

    def test_option_errors_are_usage_errors_that_point_at_the_right_help(self):
        d = e2e.make_tempdir()
        store = os.path.join(d, "flows.jsonl")
        har = os.path.join(d, "in.har")
        for path in (store, har):
            open(path, "w").close()
        cases = [
            (("run", "--bogus"), "The following argument was not expected: --bogus", "flowscope run --help"),
            (("run", "--threads", "many"), "--threads", "flowscope run --help"),
            (("export", store), "--har is required", "flowscope export --help"),
            (("export", "--har", "x.har", "/nonexistent/flows.jsonl"), "/nonexistent/flows.jsonl",
             "flowscope export --help"),
            (("import", har), "--output is required", "flowscope import --help"),
            (("record", "-o", "x.har"), "command is required", "flowscope record --help"),
            (("ca", "export", "--bogus"), "--bogus", "flowscope ca export --help"),
        ]
        for args, cause, help_hint in cases:
            with self.subTest(args=" ".join(args)):
                p = e2e.run_flowscope(*args)
                self.assertEqual(p.returncode, 2, e2e.describe_run(p))
                self.assertTrue(p.stderr.startswith("flowscope: "), e2e.describe_run(p))
                self.assertIn(cause, p.stderr, e2e.describe_run(p))
                self.assertIn("Run '%s' for its options." % help_hint, p.stderr, e2e.describe_run(p))

    def test_a_runtime_failure_exits_1(self):
        d = e2e.make_tempdir()
        store = os.path.join(d, "flows.jsonl")
        open(store, "w").close()
        p = e2e.run_flowscope("export", "--har", os.path.join(d, "no-such-dir", "out.har"), store)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertIn("cannot create HAR file", p.stderr, e2e.describe_run(p))

    def test_record_exits_with_the_childs_status(self):
        d = e2e.make_tempdir()
        p = e2e.run_flowscope("record", "-o", os.path.join(d, "x.har"), "--", "sh", "-c", "exit 5")
        self.assertEqual(p.returncode, 5, e2e.describe_run(p))
        p = e2e.run_flowscope("record", "-o", os.path.join(d, "y.har"), "--", "/nonexistent/flowscope-e2e-cmd")
        self.assertEqual(p.returncode, 127, e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
