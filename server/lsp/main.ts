// Language server entry (placeholder until it lands).
