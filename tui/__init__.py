"""paraviz terminal app and command line (imports Textual lazily)."""
