package tools

// `go generate ./...` derives everything else a tool needs from its Spec
// value. The registry comes first and from source only, so that the second
// step builds with the current set of specs.
//go:generate go run ../internal/genregistry
//go:generate go run ../internal/gendocs -root ..
