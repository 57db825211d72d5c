"""chat: see ARCHITECTURE.md (Layout)."""
