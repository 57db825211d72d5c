"""The web UI has no models."""
