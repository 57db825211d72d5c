"""notifications: see ARCHITECTURE.md (Layout)."""
