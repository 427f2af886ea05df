"""Algorithms of the SafeStats Processing provider."""
