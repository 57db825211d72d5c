"""documents: see ARCHITECTURE.md (Layout)."""
