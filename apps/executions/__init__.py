"""executions: see ARCHITECTURE.md (Layout)."""
