"""web_research_synthesis: search the web and take notes (up to three sources), then synthesise."""
