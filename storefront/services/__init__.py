"""Use cases shared by the web pages, the API and the CLI; each owns its transaction."""
