"""Models of the LLM layer (call records)."""
