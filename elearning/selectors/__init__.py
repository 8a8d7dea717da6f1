"""Reads of the learning platform, by area."""
