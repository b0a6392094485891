"""Hromada benchmarks: `make bench` measures the floors and every registered benchmark."""
