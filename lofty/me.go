package lofty

import "context"

// Member is Lofty's UserResponse: the team-member profile of the caller, as
// GET /v1.0/me returns it. Only the fields lofty-mcp reads are kept.
type Member struct {
	ID           int64  `json:"id,omitempty"`
	TeamID       int64  `json:"teamId,omitempty"`
	MemberUserID int64  `json:"memberUserId,omitempty"`
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Email        string `json:"email,omitempty"`
	RoleName     string `json:"roleName,omitempty"`
	IsAdmin      bool   `json:"isAdmin,omitempty"`
	// TimeZoneID is the person's zone as Lofty knows it, an IANA name
	// ("America/Chicago"): Lofty formats times in it unless told another.
	TimeZoneID string `json:"timeZoneId,omitempty"`
}

// MePath is the endpoint Me calls.
const MePath = "/v1.0/me"

// Me returns the profile of the credential's owner (GET /v1.0/me). It is
// the cheapest way to check a credential: a wrong one is KindUnauthorized
// (or KindBadRequest for a key sent as an access token).
func (c *Client) Me(ctx context.Context) (Member, error) {
	return meEndpoint.Call(ctx, c, Params{}, NoBody{})
}

// identified: a member is known by its record or user id.
func (m *Member) identified() bool { return m.ID != 0 || m.MemberUserID != 0 }
