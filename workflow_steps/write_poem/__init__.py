"""write_poem: plan the stanzas (one topic per line, fanned out), then write each stanza."""
