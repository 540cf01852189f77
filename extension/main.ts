// Extension entry (placeholder until it lands).
