"""Benchmarks at event scale, each as a ratio against a floor measured in the same run."""
