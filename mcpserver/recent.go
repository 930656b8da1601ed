package mcpserver

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Bounds of what the server remembers of recent results.
const (
	// maxRecentLeads is how many lead IDs are kept per credential.
	maxRecentLeads = 200
	// maxRecentCredentials is how many credentials' IDs are kept; the one
	// unused longest is forgotten first.
	maxRecentCredentials = 1000
)

// recentLeads remembers, per credential, the lead IDs that its recent tool
// results contained, most recent first, so that completion/complete can
// offer them (a person types "5631" and gets the leads they were just
// shown). Credentials are told apart by lofty.Client.CredentialKey, a hash:
// one credential never sees another's leads. Nothing here is a secret; it is
// bounded in credentials and in IDs per credential.
type recentLeads struct {
	creds *lru.Cache[string, *leadIDs]
}

// leadIDs is one credential's recent lead IDs, most recent first, unique.
type leadIDs struct {
	mu  sync.Mutex
	ids []int64
}

func newRecentLeads() *recentLeads {
	creds, _ := lru.New[string, *leadIDs](maxRecentCredentials) // only a size below 1 fails
	return &recentLeads{creds: creds}
}

// noteResult records the lead IDs in a tool's result (its JSON), for the
// credential keyed credKey; the first ID in the result becomes the most
// recent.
func (r *recentLeads) noteResult(credKey string, result []byte) {
	if r == nil || credKey == "" {
		return
	}
	ids := leadIDsIn(result)
	if len(ids) == 0 {
		return
	}
	set, ok := r.creds.Get(credKey)
	if !ok {
		set = &leadIDs{}
		if prev, found, _ := r.creds.PeekOrAdd(credKey, set); found {
			set = prev
		}
	}
	set.add(ids)
}

// add puts ids in front, in their order, dropping earlier copies and the
// oldest beyond maxRecentLeads.
func (s *leadIDs) add(ids []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	front := make([]int64, 0, min(len(ids), maxRecentLeads))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if !seen[id] && len(front) < maxRecentLeads {
			seen[id] = true
			front = append(front, id)
		}
	}
	for _, id := range s.ids {
		if len(front) == maxRecentLeads {
			break
		}
		if !seen[id] {
			front = append(front, id)
		}
	}
	s.ids = front
}

// matching returns up to max of the credential's recent lead IDs that start
// with prefix (all of them for ""), most recent first, and how many match
// in all.
func (r *recentLeads) matching(credKey, prefix string, max int) (ids []string, total int) {
	if r == nil || credKey == "" {
		return nil, 0
	}
	set, ok := r.creds.Get(credKey)
	if !ok {
		return nil, 0
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	for _, id := range set.ids {
		s := strconv.FormatInt(id, 10)
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		total++
		if len(ids) < max {
			ids = append(ids, s)
		}
	}
	return ids, total
}

// leadIDKey is how a lead ID appears in a result's compact JSON. Inside a
// JSON string a quote is always escaped, so the text occurs only as a key.
var leadIDKey = []byte(`"leadId":`)

// leadIDsIn returns the values of every "leadId" member of the JSON text
// result that is a positive integer, in order of appearance.
func leadIDsIn(result []byte) []int64 {
	var ids []int64
	for rest := result; ; {
		i := bytes.Index(rest, leadIDKey)
		if i < 0 {
			return ids
		}
		rest = rest[i+len(leadIDKey):]
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 || n > 19 || (n < len(rest) && (rest[n] == '.' || rest[n] == 'e' || rest[n] == 'E')) {
			continue
		}
		if id, err := strconv.ParseInt(string(rest[:n]), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
}
