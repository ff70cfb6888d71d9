"""The suite's shared fixtures live in ``wangge.core.testing.fixtures``; this registers them once."""

pytest_plugins = ["wangge.core.testing.fixtures"]
