"""Browser tests (a package, so that modules can share helpers)."""
