"""products: see ARCHITECTURE.md (Layout)."""
