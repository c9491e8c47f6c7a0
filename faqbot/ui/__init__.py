"""The terminal chat: a thin layer that shows what the router decides.

Nothing here matches questions; every reply text comes from the pack.
"""
