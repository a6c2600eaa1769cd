"""Deciding: facts from a profile, the compiled matchers, and the decision with its explanation."""
