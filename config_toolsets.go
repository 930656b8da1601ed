package main

// toolsetConfig holds which toolsets and tools are served.
type toolsetConfig struct{}
