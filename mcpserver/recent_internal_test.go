package mcpserver

import (
	"slices"
	"strconv"
	"testing"
)

// TestLeadIDsIn: only "leadId" members that are positive integers count,
// in order; the text inside a string never does.
func TestLeadIDsIn(t *testing.T) {
	got := leadIDsIn([]byte(`{"leadId":1,"note":"\"leadId\":2","leads":[{"leadId":3.5},{"leadId":-4},{"leadId":0},` +
		`{"leadId":9223372036854775807},{"leadId":9223372036854775808},{"leadId":"6"},{"leadId": 7},{"leadIds":[8]}],"leadId":1}`))
	if want := []int64{1, 9223372036854775807, 7, 1}; !slices.Equal(got, want) {
		t.Errorf("leadIDsIn = %v, want %v", got, want)
	}
}

// TestRecentLeadsBounds: per credential, the newest IDs first, each once,
// at most maxRecentLeads; credentials apart; at most maxRecentCredentials.
func TestRecentLeadsBounds(t *testing.T) {
	r := newRecentLeads()
	r.noteResult("a", []byte(`[{"leadId":11},{"leadId":12}]`))
	r.noteResult("a", []byte(`[{"leadId":13},{"leadId":11}]`))
	if ids, total := r.matching("a", "", 10); !slices.Equal(ids, []string{"13", "11", "12"}) || total != 3 {
		t.Errorf("a: %v (%d), want [13 11 12]", ids, total)
	}
	if ids, _ := r.matching("b", "", 10); len(ids) != 0 {
		t.Errorf("b sees %v", ids)
	}
	r.noteResult("", []byte(`{"leadId":5}`))
	if ids, _ := r.matching("", "", 10); len(ids) != 0 {
		t.Errorf("no credential: %v", ids)
	}
	for i := range maxRecentLeads + 50 {
		r.noteResult("c", []byte(`{"leadId":`+strconv.Itoa(1000+i)+`}`))
	}
	ids, total := r.matching("c", "", maxRecentLeads+100)
	if total != maxRecentLeads || ids[0] != strconv.Itoa(1000+maxRecentLeads+49) || ids[len(ids)-1] != "1050" {
		t.Errorf("c: %d kept, newest %s, oldest %s; want %d, 1249, 1050", total, ids[0], ids[len(ids)-1], maxRecentLeads)
	}
	if ids, total := r.matching("c", "11", 3); len(ids) != 3 || total != 100 || ids[0] != "1199" {
		t.Errorf(`prefix "11": %v of %d`, ids, total)
	}
	for i := range maxRecentCredentials + 1 {
		r.noteResult("k"+strconv.Itoa(i), []byte(`{"leadId":1}`))
	}
	if n := r.creds.Len(); n != maxRecentCredentials {
		t.Errorf("%d credentials kept, want %d", n, maxRecentCredentials)
	}
}
