"""Profiles: the catalog of titles, the profile model, reading files and validating them."""
