package lofty

import "context"

// Member is Lofty's UserResponse: a team member's profile, as GET
// /v1.0/me returns the caller's and the Members operations anyone's. Only
// the fields lofty-mcp reads are kept.
type Member struct {
	ID           int64  `json:"id,omitempty"`
	TeamID       int64  `json:"teamId,omitempty"`
	MemberUserID int64  `json:"memberUserId,omitempty"`
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Email        string `json:"email,omitempty"`
	PhoneNumber  string `json:"phoneNumber,omitempty"`
	RoleName     string `json:"roleName,omitempty"`
	IsAdmin      bool   `json:"isAdmin,omitempty"`
	// AccountStatus is ACTIVE, INACTIVE (deactivated), ...
	AccountStatus     string `json:"accountStatus,omitempty"`
	NewLeadCount      *int32 `json:"newLeadCount,omitempty"`
	AssignedLeadCount *int32 `json:"assignedLeadCount,omitempty"`
	// GroupID and GroupName are the member's office; Group its record.
	GroupID   int64   `json:"groupId,omitempty"`
	GroupName string  `json:"groupName,omitempty"`
	Group     *Office `json:"group,omitempty"`
	// TimeZoneID is the person's zone as Lofty knows it, an IANA name
	// ("America/Chicago"): Lofty formats times in it unless told another.
	TimeZoneID string `json:"timeZoneId,omitempty"`
}

// UserID is the id leads, tasks and routing name the member by.
func (m *Member) UserID() int64 {
	if m.MemberUserID != 0 {
		return m.MemberUserID
	}
	return m.ID
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
