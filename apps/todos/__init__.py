"""todos: see ARCHITECTURE.md (Layout)."""
