"""Emulate what is not on the desk: a classroom, its radio, and the receivers.

Deterministic by seed.
"""
