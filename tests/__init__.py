"""The test suite, a package: modules import their helpers as tests.support.<module>."""
