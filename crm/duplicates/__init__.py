"""Duplicate review (a queue filled by a blocking scan) and merging contacts and organisations."""
