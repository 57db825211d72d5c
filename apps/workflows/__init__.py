"""workflows: see ARCHITECTURE.md (Layout)."""
