"""Mongolia Relations ingest pipeline: source documents -> normalised SQLite."""
