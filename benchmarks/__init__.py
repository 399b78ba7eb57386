"""On-demand benchmarks (`make bench`); not part of the test suite."""
