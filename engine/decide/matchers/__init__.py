"""Matchers: which compiled patterns match which facts of one profile (durable-rules, or plain Python)."""
