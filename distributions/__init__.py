"""Packaging of the distributions this repository publishes (see build_dists.py)."""
