"""Models of this app (mirroring the original md_ tables)."""
