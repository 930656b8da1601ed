package fakelofty_test

import (
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// TestMoveToKeepsTheDay: a world moved to another day holds the same day
// there — times of day kept in the demo zone, across a daylight-saving
// change too — every time moved once, whatever form it is held in, and
// the world's clock judges what is overdue.
func TestMoveToKeepsTheDay(t *testing.T) {
	for _, tc := range []struct {
		name     string
		now      time.Time
		taskAt   string // task 860001, 14:00 on the world's today
		janeMade string // Jane's createTime: 03:30 in Austin, 50 days before the world's today
	}{
		{"winter", time.Date(2026, 12, 7, 21, 30, 0, 0, time.UTC), "2026-12-07T14:00:00-06:00", "2026-10-18T08:30:00Z"},
		{"summer", time.Date(2027, 7, 14, 4, 0, 0, 0, time.UTC), "2027-07-13T14:00:00-05:00", "2027-05-24T08:30:00Z"},
		{"same day", fakelofty.DemoNow.Add(3 * time.Hour), "2026-03-03T14:00:00-06:00", "2026-01-12T09:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := fakelofty.Demo()
			d.MoveTo(func() time.Time { return tc.now })
			base := fakelofty.New(d).Start(t)
			task := okJSON(t, base, "/v2.0/tasks/860001").(map[string]any)["task"].(map[string]any)
			if task["startAt"] != tc.taskAt {
				t.Errorf("task 860001 starts %v, want %s", task["startAt"], tc.taskAt)
			}
			// 14:00 is past at 15:30 (winter) and 23:00 (summer) in Austin, not at 14:00 itself.
			if want := tc.name != "same day"; task["overdueFlag"] != want {
				t.Errorf("task 860001 overdue %v at %s, want %v", task["overdueFlag"], tc.now, want)
			}
			jane := d.Leads[fakelofty.DemoLeadWithAgent]
			if jane.CreateTime != tc.janeMade {
				t.Errorf("Jane created %s, want %s", jane.CreateTime, tc.janeMade)
			}
			// The sales agent map is shared by several leads and the
			// current agent: moved once, not once per holder.
			if a, b := jane.SalesAgent["createdAt"], d.CurrentSalesAgent["createdAt"]; a != b {
				t.Errorf("the shared sales agent moved unevenly: %v and %v", a, b)
			}
			if moved := d.CurrentSalesAgent["createdAt"] != "2026-02-20T10:00:00Z"; moved != (tc.name != "same day") {
				t.Errorf("the sales agent's createdAt is %v", d.CurrentSalesAgent["createdAt"])
			}
			if due := jane.PlanTasks[0]["dueAt"]; (due == "2026-03-05T15:30:00Z") != (tc.name == "same day") {
				t.Errorf("plan task due %v", due)
			}
		})
	}
}
