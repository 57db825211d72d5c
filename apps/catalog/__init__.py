"""catalog: see ARCHITECTURE.md (Layout)."""
