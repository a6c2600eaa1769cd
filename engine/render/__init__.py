"""Rendering: one module per output, each reading decisions (or their records) and returning text or bytes."""
