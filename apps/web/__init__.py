"""Web UI: Django templates and a small WebSocket client."""
