#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Runs every tests/e2e/test_*.py with unittest and ends with one line:
`N passed, N failed[, N skipped]`.  Exits non-zero when anything failed.

A test that never ran because its class could not start (setUpClass error)
counts as failed; an error outside any test (tearDownClass: the server did
not exit 0 on SIGTERM) counts as one more failure.

Usage: python3 tests/e2e/run.py [-k PATTERN] [test_file_or_module ...]
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class CountingResult(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed_ids = set()
        self.failed_ids = set()
        self.skipped_ids = set()
        self.outside_errors = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed_ids.add(test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase):
            self.failed_ids.add(test.id())
        else:
            # setUpClass/tearDownClass/setUpModule: not a test of its own.
            self.outside_errors += 1

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_ids.add(test.id())

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed_ids.add(test.id())

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.failed_ids.add(test.id())


def all_ids(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from all_ids(t)
        else:
            yield t.id()


def main(argv):
    patterns = []
    names = []
    i = 0
    while i < len(argv):
        if argv[i] == "-k" and i + 1 < len(argv):
            patterns.append(argv[i + 1])
            i += 2
            continue
        names.append(argv[i])
        i += 1

    loader = unittest.TestLoader()
    if patterns:
        loader.testNamePatterns = ["*%s*" % p for p in patterns]
    if names:
        mods = [os.path.splitext(os.path.basename(n))[0] for n in names]
        suite = loader.loadTestsFromNames(mods)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)

    ids = list(all_ids(suite))
    runner = unittest.TextTestRunner(verbosity=1, resultclass=CountingResult,
                                     stream=sys.stderr)
    start = time.monotonic()
    result = runner.run(suite)
    elapsed = time.monotonic() - start

    skipped = len(result.skipped_ids - result.failed_ids)
    passed = len(result.passed_ids - result.failed_ids)
    # Tests that never ran (their class failed to start) are failures too.
    never_ran = [t for t in ids if t not in result.passed_ids
                 and t not in result.failed_ids and t not in result.skipped_ids
                 and "_FailedTest" not in t and "_ErrorHolder" not in t]
    failed = len(result.failed_ids) + len(never_ran) + result.outside_errors
    sys.stderr.write("e2e: %.1f s\n" % elapsed)
    sys.stderr.flush()
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
