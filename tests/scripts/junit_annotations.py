#!/usr/bin/python3
"""A GitHub-Actions-style consumer of a JUnit XML report, as CI reporters
(action-junit-report, dorny/test-reporter, GitLab, Jenkins) read one: for
each failed or erroneous testcase it prints a workflow command

    ::error file=FILE,title=CLASSNAME NAME::MESSAGE

which GitHub shows as an annotation on FILE, appends a Markdown table of
the failures to $GITHUB_STEP_SUMMARY when that is set, prints a one-line
total, and exits 1 if anything failed (0 otherwise; 2 if the report cannot
be read). tests/scripts/test_check_junit.py runs it on `leasesim check
--junit` output. Standard library only.

    junit_annotations.py REPORT.xml
"""
import os
import sys
import xml.etree.ElementTree as ET


def escape_data(s):
    # GitHub's workflow-command escaping (the message part).
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s):
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def failures(path):
    """[(classname, name, file, kind, message)] of failed and erroneous
    testcases, in document order, and the totals (tests, failed, skipped)."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    out, tests, skipped = [], 0, 0
    for suite in suites:
        for case in suite.findall("testcase"):
            tests += 1
            if case.find("skipped") is not None:
                skipped += 1
            for kind in ("failure", "error"):
                el = case.find(kind)
                if el is not None:
                    message = el.get("message") or (el.text or "").strip().split("\n")[0]
                    out.append((case.get("classname", ""), case.get("name", ""),
                                case.get("file", ""), kind, message))
    return out, tests, skipped


def main(argv):
    if len(argv) != 2:
        print("usage: junit_annotations.py REPORT.xml", file=sys.stderr)
        return 2
    try:
        found, tests, skipped = failures(argv[1])
    except (OSError, ET.ParseError) as e:
        print("junit_annotations.py: %s: %s" % (argv[1], e), file=sys.stderr)
        return 2
    for classname, name, file, kind, message in found:
        print("::error file=%s,title=%s::%s" % (escape_property(file),
                                                escape_property("%s %s" % (classname, name)),
                                                escape_data("%s: %s" % (kind, message))))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write("| scenario | file | result | message |\n|---|---|---|---|\n")
            for classname, name, file, kind, message in found:
                f.write("| %s | %s | %s | %s |\n" % (name, file, kind,
                                                     message.replace("|", "\\|")))
    print("%d test(s), %d failed, %d skipped" % (tests, len(found), skipped))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
