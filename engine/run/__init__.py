"""Running: one pipeline from files to results, the audit store, replay, comparisons, pack tests."""
