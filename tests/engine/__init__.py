"""Engine tests: a package, so module names cannot clash with tests/api/ (test_blocks)."""
