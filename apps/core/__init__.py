"""Cross-cutting plumbing with no domain models: real-time push, API helpers, health, `dev`."""
