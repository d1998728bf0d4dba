"""Layer 5, what is told: the explanation of the figures, the lecture's steps, reports (table, JSON, CSV)."""
