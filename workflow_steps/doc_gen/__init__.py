"""doc_gen (task generate_documentation_from_video): recording → transcription → chapters → document."""
