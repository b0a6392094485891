"""Benchmark suites: every module in this package is imported by bench/run.py.

A module registers its benchmarks with `bench.registry.benchmark`; see bench/README.md.
"""
