"""Privacy: sensitive attributes, consent, per-person data report, erasure and retention."""
