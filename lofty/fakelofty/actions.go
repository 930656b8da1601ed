package fakelofty

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The fake's sales agent settings and its write endpoints, as Lofty's
// OpenAPI document describes them (request bodies, answers, errors).
//
// Writes change what the fake answers, for the credential that made them
// only: each credential gets its own copy of the data at its first write
// (copy on write), so a mute is seen by that credential's next
// mute-status read and by nobody else's. A view is replaced whole, never
// changed in place, so readers need no lock beyond taking the pointer.

// maxViews bounds the credentials with writes of their own; beyond, the
// oldest view is forgotten (demo mode serves any credential).
const maxViews = 256

// firstNoteID is the ID of the first note the fake creates: above 2^53, so
// that an ID rounded through a float64 anywhere would show.
const firstNoteID int64 = 9007199254741001

// viewState is every credential's own data, made at its first write.
type viewState struct {
	mu     sync.Mutex
	byCred map[[32]byte]*view
	order  [][32]byte // oldest first
	nextID int64
}

// view is one credential's data after its writes.
type view struct {
	data  *Data
	notes map[int64][]Note // by lead
	texts []string         // texts sent to the agent's own phone
}

// credKey identifies a request's credential without holding it.
func credKey(r *http.Request) [32]byte {
	return sha256.Sum256([]byte(r.Header.Get("Authorization")))
}

// dataFor returns the data r's credential sees: its own after a write,
// else the seeded data.
func (f *Fake) dataFor(r *http.Request) *Data {
	return f.dataForKey(credKey(r))
}

func (f *Fake) dataForKey(key [32]byte) *Data {
	f.views.mu.Lock()
	v := f.views.byCred[key]
	f.views.mu.Unlock()
	if v == nil {
		return f.data
	}
	return v.data
}

// DataFor returns the data the credential sent as authorization
// ("token <key>", "Bearer <token>") sees: the seeded data until its first
// write. Treat it as read-only.
func (f *Fake) DataFor(authorization string) *Data {
	return f.dataForKey(sha256.Sum256([]byte(authorization)))
}

// Notes returns the notes the credential sent as authorization added to lead leadID.
func (f *Fake) Notes(authorization string, leadID int64) []Note {
	f.views.mu.Lock()
	defer f.views.mu.Unlock()
	if v := f.views.byCred[sha256.Sum256([]byte(authorization))]; v != nil {
		return slices.Clone(v.notes[leadID])
	}
	return nil
}

// Texts returns the texts the credential sent as authorization sent to its own phone.
func (f *Fake) Texts(authorization string) []string {
	f.views.mu.Lock()
	defer f.views.mu.Unlock()
	if v := f.views.byCred[sha256.Sum256([]byte(authorization))]; v != nil {
		return slices.Clone(v.texts)
	}
	return nil
}

// update applies change to a copy of r's credential's view and makes the
// copy its view. change edits leads only through the lead function it is
// given (a copy of its own) and replaces slices and maps rather than
// appending to them in place.
func (f *Fake) update(r *http.Request, change func(v *view, lead func(id int64) *Lead)) {
	key := credKey(r)
	f.views.mu.Lock()
	defer f.views.mu.Unlock()
	if f.views.byCred == nil {
		f.views.byCred = map[[32]byte]*view{}
		f.views.nextID = firstNoteID
	}
	cur := f.views.byCred[key]
	if cur == nil {
		cur = &view{data: f.data, notes: map[int64][]Note{}}
		f.views.order = append(f.views.order, key)
		if len(f.views.order) > maxViews {
			delete(f.views.byCred, f.views.order[0])
			f.views.order = f.views.order[1:]
		}
	}
	data := *cur.data
	data.Leads = maps.Clone(cur.data.Leads)
	next := &view{data: &data, notes: maps.Clone(cur.notes), texts: slices.Clone(cur.texts)}
	copied := map[int64]*Lead{}
	lead := func(id int64) *Lead {
		if l, ok := copied[id]; ok {
			return l
		}
		l, ok := data.Leads[id]
		if !ok {
			return nil
		}
		cp := *l
		data.Leads[id] = &cp
		copied[id] = &cp
		return &cp
	}
	change(next, lead)
	f.views.byCred[key] = next
}

// newID returns the next ID for something the fake creates. Hold f.views.mu.
func (f *Fake) newIDLocked() int64 {
	id := f.views.nextID
	f.views.nextID++
	return id
}

// actionRoutes adds the settings and write endpoints.
func (f *Fake) actionRoutes(mux *router) {
	mux.HandleFunc("GET /v2.0/sales-agent/settings", f.salesAgentSettings)
	mux.HandleFunc("PUT /v2.0/sales-agent/settings", f.saveSalesAgentSettings)
	mux.HandleFunc("PUT /v2.0/sales-agents/working-lead/{leadId}/mute", f.muteWorkingLead)
	mux.HandleFunc("POST /v2.0/working-leads/add", f.addWorkingLeads)
	mux.HandleFunc("POST /v2.0/plan-tasks/create", f.createPlanTasks)
	mux.HandleFunc("POST /v2.0/sales-agent/ai-number/send-sms-to-agent", f.sendSMSToAgent)
	mux.HandleFunc("POST /v1.0/leads/{leadId}/assignment", f.assignLead)
}

func (f *Fake) salesAgentSettings(w http.ResponseWriter, r *http.Request) {
	s := f.dataFor(r).Settings
	if s == nil {
		writeText(w, http.StatusNotFound, "Sales Agent not found for the current user.")
		return
	}
	writeJSON(w, http.StatusOK, s)
}

// saveSalesAgentSettings serves PUT /v2.0/sales-agent/settings: the
// fields sent replace the caller's settings (a SalesAgentSettingRequest
// carries every field of the answer but headUrl and hostedStatus).
func (f *Fake) saveSalesAgentSettings(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	_ = dec.Decode(&body)
	if f.dataFor(r).Settings == nil {
		writeText(w, http.StatusBadRequest, "No AI sales agent to configure.")
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		s := maps.Clone(v.data.Settings)
		for k, val := range body {
			s[k] = val
		}
		v.data.Settings = s
	})
	writeJSON(w, http.StatusOK, map[string]any{"message": "Settings saved"})
}

// now is the time the fake stamps on what it creates.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// readBody decodes a write's JSON body into v, answering 415 without a
// JSON Content-Type (Lofty requires it) and 400 for a body that is not
// the documented JSON.
func readBody(w http.ResponseWriter, r *http.Request, v any, bad func(http.ResponseWriter)) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeText(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return false
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		bad(w)
		return false
	}
	return true
}

// muteWorkingLead serves PUT /v2.0/sales-agents/working-lead/{leadId}/mute.
func (f *Fake) muteWorkingLead(w http.ResponseWriter, r *http.Request) {
	l, ok := f.accessibleLead(w, r, r.PathValue("leadId"), badLeadIDText)
	if !ok {
		return
	}
	f.update(r, func(_ *view, lead func(int64) *Lead) { lead(l.ID).Muted = true })
	writeJSON(w, http.StatusOK, map[string]any{"message": "Operation successful"})
}

func badBatchText(w http.ResponseWriter) {
	writeText(w, http.StatusBadRequest, "Invalid parameters (e.g., empty leadIds, more than 100 leads).")
}

// batchLeads reads an AddWorkingLeadRequestV2 or
// BatchCreatePlanTaskRequestV2 body: 1 to 100 lead IDs.
func batchLeads(w http.ResponseWriter, r *http.Request, body *struct {
	LeadIDs        []int64 `json:"leadIds"`
	CreatePlanTask bool    `json:"createPlanTask"`
}) bool {
	if !readBody(w, r, body, badBatchText) {
		return false
	}
	if len(body.LeadIDs) == 0 || len(body.LeadIDs) > 100 {
		badBatchText(w)
		return false
	}
	return true
}

// addWorkingLeads serves POST /v2.0/working-leads/add: each lead the caller
// can access joins the working pool (AI_PROSPECTING), with a plan task when
// asked. The answer is the documented MessageResponse.
func (f *Fake) addWorkingLeads(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LeadIDs        []int64 `json:"leadIds"`
		CreatePlanTask bool    `json:"createPlanTask"`
	}
	if !batchLeads(w, r, &body) {
		return
	}
	added, failed := 0, 0
	f.update(r, func(_ *view, lead func(int64) *Lead) {
		for _, id := range body.LeadIDs {
			l := lead(id)
			if l == nil || l.Forbidden {
				failed++
				continue
			}
			added++
			if l.AIStage == "" {
				l.AIStage, l.WorkingSince = "AI_PROSPECTING", now().Format(time.RFC3339)
			}
			if body.CreatePlanTask {
				l.PlanTasks = append(slices.Clone(l.PlanTasks), f.planTaskLocked(l))
			}
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"message": strconv.Itoa(added) + " added, " + strconv.Itoa(failed) + " failed"})
}

// planTaskLocked is a new AI follow-up task for l. Hold f.views.mu.
func (f *Fake) planTaskLocked(l *Lead) map[string]any {
	t := now()
	return map[string]any{"id": f.newIDLocked(), "content": "Follow up with " + l.FirstName(), "taskType": "TEXT",
		"status": "PENDING", "dueAt": t.Add(24 * time.Hour).Format(time.RFC3339), "createdAt": t.Format(time.RFC3339),
		"assignedTo": DemoUserID, "creatorId": int64(12345)}
}

// createPlanTasks serves POST /v2.0/plan-tasks/create: a task for each
// lead in the working pool; the others fail. The answer is an
// ApiCommonResponse whose data lists the lead IDs.
func (f *Fake) createPlanTasks(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LeadIDs        []int64 `json:"leadIds"`
		CreatePlanTask bool    `json:"createPlanTask"`
	}
	if !batchLeads(w, r, &body) {
		return
	}
	succeeded, failed := []int64{}, []int64{}
	f.update(r, func(_ *view, lead func(int64) *Lead) {
		for _, id := range body.LeadIDs {
			l := lead(id)
			if l == nil || l.Forbidden || l.AIStage == "" {
				failed = append(failed, id)
				continue
			}
			l.PlanTasks = append(slices.Clone(l.PlanTasks), f.planTaskLocked(l))
			succeeded = append(succeeded, id)
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success",
		"data": map[string]any{"succeededLeadIds": succeeded, "failedLeadIds": failed}})
}

// sendSMSToAgent serves POST /v2.0/sales-agent/ai-number/send-sms-to-agent.
func (f *Fake) sendSMSToAgent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content string `json:"content"`
	}
	bad := func(w http.ResponseWriter) {
		writeText(w, http.StatusBadRequest, "Invalid parameters (blank content or no AI virtual number configured).")
	}
	if !readBody(w, r, &body, bad) {
		return
	}
	s := f.dataFor(r).Settings
	number, _ := s["virtualNumber"].(string)
	if strings.TrimSpace(body.Content) == "" || number == "" {
		bad(w)
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) { v.texts = append(v.texts, body.Content) })
	writeJSON(w, http.StatusOK, map[string]any{"message": "SMS sent successfully."})
}

func invalidParameter(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"code": 20012, "message": "INVALID_PARAMETER"})
}

func leadNotExist(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"code": 20006, "message": "LEAD_NOT_EXIST"})
}

// assignmentRoles maps LeadAssigineeRequest roles to where the fake keeps
// them: the owner ("Agent"), or a custom role.
var assignmentRoles = map[string]string{"Agent": "", "Assistant": "Assistant", "Lender": "Internal LO"}

// assignLead serves POST /v1.0/leads/{leadId}/assignment: a list of
// LeadAssigineeRequest, each a role and a team member's account email.
func (f *Fake) assignLead(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("leadId"), 10, 64)
	if err != nil || id < 1 {
		invalidParameter(w)
		return
	}
	var body []struct {
		Role     string `json:"role"`
		Assignee string `json:"assignee"`
	}
	if !readBody(w, r, &body, invalidParameter) {
		return
	}
	d := f.dataFor(r)
	if l, ok := d.Leads[id]; !ok || l.Forbidden {
		leadNotExist(w)
		return
	}
	if len(body) == 0 {
		invalidParameter(w)
		return
	}
	for _, a := range body {
		_, role := assignmentRoles[a.Role]
		if !role || d.memberByEmail(a.Assignee) == nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 20012,
				"message": "INVALID_PARAMETER: " + strconv.Quote(a.Role) + " " + strconv.Quote(a.Assignee) + " is not a role and team member"})
			return
		}
	}
	f.update(r, func(_ *view, lead func(int64) *Lead) {
		l := lead(id)
		for _, a := range body {
			mem := d.memberByEmail(a.Assignee)
			m := Assignee{ID: mem.UserID, Name: mem.Name()}
			if custom := assignmentRoles[a.Role]; custom != "" {
				roles := maps.Clone(l.Roles)
				if roles == nil {
					roles = map[string]Assignee{}
				}
				roles[custom] = m
				l.Roles = roles
				continue
			}
			l.AssignedUserID, l.AssignedUser = m.ID, m.Name
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"leadId": id})
}

// demoSettings is the demo caller's SalesAgentSettingResponse.
func demoSettings() map[string]any {
	return map[string]any{
		"id": int64(12345), "assistantName": "John's AI Assistant", "headUrl": "https://example.com/avatars/assistant-12345.jpg",
		"virtualNumber": "+14155550123", "virtualNumberCountry": "US", "callTransferType": "ToAssignedAgent",
		"fixedNumber": "+14155550100", "agentExperience": "10 years in real estate", "rentalBusiness": false,
		"websiteChannel": true, "textChannel": true, "emailChannel": true, "startActiveHour": int32(8), "endActiveHour": int32(20),
		"activeDays": []int32{1, 2, 3, 4, 5, 6}, "leadTypes": []int32{1, 2}, "leadSources": []int64{12, 3},
		"leadPipelines": []int64{1, 3}, "agentIds": []int64{DemoUserID}, "officeIds": []int64{201}, "leadPondIds": []int64{},
		"newLeadEnable": true, "visitorsEnable": false, "followUpRole": "AI", "hostedStatus": "ACTIVE",
	}
}
