// Webview entry (placeholder until it lands).
