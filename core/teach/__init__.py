"""What the figures say (explain), the lecture's steps, and the translations."""
