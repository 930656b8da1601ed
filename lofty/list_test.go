package lofty_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/metrics"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// listBody is {"leads":[…]} (or, under an envelope, {"code":0,…,"data":
// {"leads":[…]}}) holding n items written by item.
func listBody(field string, n int, envelope bool, item func(b *bytes.Buffer, i int)) string {
	var b bytes.Buffer
	if envelope {
		b.WriteString(`{"code":0,"message":"success","data":`)
	}
	if field != "" {
		b.WriteString(`{"` + field + `":[`)
	} else {
		b.WriteString(`[`)
	}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		item(&b, i)
	}
	b.WriteString(`]`)
	if field != "" {
		b.WriteString(`,"_metadata":{"total":` + fmt.Sprint(n) + `}}`)
	}
	if envelope {
		b.WriteString(`}`)
	}
	return b.String()
}

func emptyItem(b *bytes.Buffer, _ int) { b.WriteString("{}") }

func smallLead(b *bytes.Buffer, i int) {
	fmt.Fprintf(b, `{"leadId":"%d","firstName":"Lead","cannotText":"Yes","score":"%d"}`, 100000+i, i%100)
}

// allocated is how many bytes the process has allocated on the heap so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A lead list keeps a page Lofty may send, wherever the envelope puts it,
// and reads its leads leniently still. Lofty sends 25 leads whatever
// limit says, and pages on after all of them: every one is kept.
func TestFindLeadsKeepsAPageAtMost(t *testing.T) {
	for _, envelope := range []bool{false, true} {
		c, _ := scripted(t, 200, listBody("leads", 1000, envelope, smallLead))
		list, err := c.FindLeads(context.Background(), lofty.LeadQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Leads) != lofty.MaxLeadsPage {
			t.Fatalf("envelope %v: %d leads kept, want a page of %d", envelope, len(list.Leads), lofty.MaxLeadsPage)
		}
		if l := list.Leads[3]; l.LeadID != 100003 || l.FirstName != "Lead" || l.CannotText == nil || !*l.CannotText || l.Score == nil || *l.Score != 3 {
			t.Errorf("lead 3 = %+v, want it read leniently", l)
		}
		if total := list.Meta().Total; total == nil || *total != 1000 {
			t.Errorf("metadata after the list was lost: %+v", list.Meta())
		}
		if list.ItemsSent != 1000 || list.ItemsKept != lofty.MaxLeadsPage || !list.Truncated() {
			t.Errorf("list says Lofty sent %d and %d were kept (truncated %v), want 1000 and %d",
				list.ItemsSent, list.ItemsKept, list.Truncated(), lofty.MaxLeadsPage)
		}
	}
	// 25 for a limit of 10: all kept, nothing said to be cut.
	c, _ := scripted(t, 200, listBody("leads", 25, false, smallLead))
	list, err := c.FindLeads(context.Background(), lofty.LeadQuery{Limit: 10})
	if err != nil || len(list.Leads) != 25 || list.Truncated() || list.ItemsSent != 0 {
		t.Errorf("25 for 10: %d leads (sent %d, truncated %v), %v", len(list.Leads), list.ItemsSent, list.Truncated(), err)
	}
}

// Every list answer is bounded the same way: by the request's page size
// plus a small margin, and by a hard cap when nothing was asked.
func TestEveryListIsBounded(t *testing.T) {
	c, _ := scripted(t, 200, listBody("workingLeads", 5000, false, smallLead))
	wl, err := c.WorkingLeads(context.Background(), lofty.WorkingLeadQuery{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(wl.WorkingLeads); n < 20 || n > 20+lofty.ListMargin || wl.ItemsSent != 5000 || wl.ItemsKept != n {
		t.Errorf("working leads: kept %d (says sent %d, kept %d), want 20 to %d of 5000", n, wl.ItemsSent, wl.ItemsKept, 20+lofty.ListMargin)
	}
	c, _ = scripted(t, 200, listBody("", 5000, true, func(b *bytes.Buffer, i int) { fmt.Fprintf(b, `{"id":%d,"status":"PENDING"}`, i+1) }))
	tasks, err := c.PlanTasksForLead(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != lofty.MaxListItems || *tasks[0].ID != 1 {
		t.Errorf("plan tasks: kept %d, want the hard cap %d", len(tasks), lofty.MaxListItems)
	}
}

// An answer under the body cap costs a few times its size, whatever its
// shape: empty objects, small leads, or one lead holding a huge list.
func TestLargeListAnswerCostsAFewTimesItsSize(t *testing.T) {
	for name, body := range map[string]string{
		"1,300,000 empty leads": listBody("leads", 1_300_000, false, emptyItem),
		"105,000 small leads": listBody("leads", 105_000, true, func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, `{"leadId":%d,"firstName":"Lead"}`, 100000+i)
		}),
		"one lead, 1,000,000 properties": `{"leads":[{"leadId":1,"leadPropertyList":[` +
			listBody("", 1_000_000, false, emptyItem)[1:] + `}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := scripted(t, 200, body)
			before := allocated()
			list, err := c.FindLeads(context.Background(), lofty.LeadQuery{Limit: 10})
			spent := allocated() - before
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Leads) > lofty.MaxLeadsPage {
				t.Errorf("%d leads kept", len(list.Leads))
			}
			// Reading the body (with its growth) and decoding what is kept.
			t.Logf("a %.1f MB answer allocated %.1f MB", float64(len(body))/1e6, float64(spent)/1e6)
			if limit := uint64(4 * len(body)); spent > limit {
				t.Errorf("a %.1f MB answer allocated %.1f MB, want at most %.1f MB", float64(len(body))/1e6, float64(spent)/1e6, float64(limit)/1e6)
			}
		})
	}
}
