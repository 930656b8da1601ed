package main

// httpConfig holds the `lofty-mcp http` settings (issue: network transports).
type httpConfig struct{}
