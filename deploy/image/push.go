package image

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Push uploads idx to repo under every tag (at least one) and returns the
// index digest, which all the tags name. Pushing the same index again is
// harmless: blobs and manifests are content-addressed.
func Push(ctx context.Context, idx v1.ImageIndex, repo string, tags []string, opts ...remote.Option) (v1.Hash, error) {
	if len(tags) == 0 {
		return v1.Hash{}, fmt.Errorf("no tag to push %s under", repo)
	}
	r, err := name.NewRepository(repo, name.StrictValidation)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("repository %q: %w", repo, err)
	}
	opts = append([]remote.Option{remote.WithContext(ctx)}, opts...)
	first := r.Tag(tags[0])
	if err := remote.WriteIndex(first, idx, opts...); err != nil {
		return v1.Hash{}, fmt.Errorf("push %s: %w", first, err)
	}
	for _, t := range tags[1:] {
		if err := remote.Tag(r.Tag(t), idx, opts...); err != nil {
			return v1.Hash{}, fmt.Errorf("tag %s: %w", r.Tag(t), err)
		}
	}
	return idx.Digest()
}

// Keychain finds registry credentials: for ghcr.io, GITHUB_TOKEN (the token
// GoReleaser releases with; it needs the packages:write scope) as the
// password of GITHUB_ACTOR; otherwise, and when those are unset, the Docker
// configuration (~/.docker/config.json, `docker login` or `crane auth
// login`). The token is never printed.
func Keychain(getenv func(string) string) authn.Keychain {
	return authn.NewMultiKeychain(githubToken{getenv}, authn.DefaultKeychain)
}

type githubToken struct{ getenv func(string) string }

func (g githubToken) Resolve(r authn.Resource) (authn.Authenticator, error) {
	token := g.getenv("GITHUB_TOKEN")
	if r.RegistryStr() != "ghcr.io" || token == "" {
		return authn.Anonymous, nil
	}
	user := g.getenv("GITHUB_ACTOR")
	if user == "" {
		user = "lofty-mcp" // ghcr.io checks the token, not the name
	}
	return &authn.Basic{Username: user, Password: token}, nil
}
