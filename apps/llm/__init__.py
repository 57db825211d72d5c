"""LLM layer: providers, MPT prompts, streaming, costs, embeddings, speech-to-text."""
