// Fleet worker entry (placeholder until it lands).
