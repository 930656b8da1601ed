package main

// resilienceConfig holds the Lofty client's retry, rate-limit, cache and concurrency settings.
type resilienceConfig struct{}
