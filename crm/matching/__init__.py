"""Who may be whom: phone normalisation, a match score with its reasons, and blocking keys."""
