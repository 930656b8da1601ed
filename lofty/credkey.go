package lofty

import "context"

// CredentialKey identifies the credential that requests made with ctx use
// (the request's own, see WithCredential, else the client's) without
// revealing it: the same SHA-256 hash that keys its rate limit and cache.
// It is "" when there is no usable credential. Callers key what they keep
// per credential by it (the MCP server's recently seen lead IDs).
func (c *Client) CredentialKey(ctx context.Context) string {
	if c == nil {
		return ""
	}
	cred := c.credential(ctx)
	if cred.IsZero() {
		return ""
	}
	return cred.key()
}
