package e2e

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the demo person's zone, whatever the machine has
)

// "What do I have today?" on the demo, any day: --demo moves the demo
// world to the real today, so the day is full — overdue tasks, the day's
// tasks and appointments (one all day, one across midnight), the AI's
// plan tasks, a lead assigned since yesterday — in the demo person's zone.
func TestCLIDemoDayIsToday(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	stdioBin(t) // built before the call's deadline starts
	before := time.Now().In(loc).Format(time.DateOnly)
	code, out, stderr := runCLI(t, stdioEnv(), "--demo", "--toolsets", "tasks", "call", "get_my_day", "{}")
	after := time.Now().In(loc).Format(time.DateOnly)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var day struct {
		Date, Zone, Note string
		Items            []struct {
			Kind, At, End, Status string
			AllDay                bool
		}
	}
	if err := json.Unmarshal([]byte(out), &day); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	date := day.Date[:min(len(day.Date), 10)]
	if (date != before && date != after) || day.Zone != "America/Chicago" || day.Note != "" {
		t.Errorf("day %s in %s (note %q); want today, %s, in America/Chicago", day.Date, day.Zone, day.Note, before)
	}
	var kinds []string
	var allDay, crossing, overdue bool
	for _, it := range day.Items {
		if !slices.Contains(kinds, it.Kind) {
			kinds = append(kinds, it.Kind)
		}
		allDay = allDay || (it.AllDay && it.At[:10] == date)
		crossing = crossing || (!it.AllDay && it.End != "" && it.At[:10] == date && it.End[:10] > date)
		overdue = overdue || (it.Status == "overdue" && it.At[:10] < date)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"appointment", "new_lead", "plan_task", "task"}) || !allDay || !crossing || !overdue {
		t.Errorf("kinds %v, all-day %v, across midnight %v, overdue from before %v; want a full day:\n%s", kinds, allDay, crossing, overdue, out)
	}
}
