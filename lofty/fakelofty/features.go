package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Team Features: the team's lead tags, lead custom fields, the lead
// pipeline's stages (the stage and stageId every lead carries) and lead
// ponds.

// Stage is a stage of the lead pipeline (PipelineResponse).
type Stage struct {
	ID   int64
	Name string
}

// Pond is a lead pond (LeadPond): leads waiting to be claimed by its agents.
type Pond struct {
	ID       int64
	Name     string
	OwnerID  int64
	AgentIDs []int64
}

// demoTagNames are the demo team's tags; a tag's id is 9000 plus its
// place here (tagID), on every lead that carries it too.
var demoTagNames = []string{"Buyer", "Pre-approved", "Seller", "Hot Lead", "Past Client", "Investor", "Relocation"}

// tagID is the id of the tag named name.
func tagID(name string) int64 {
	if i := slices.Index(demoTagNames, name); i >= 0 {
		return 9000 + int64(i)
	}
	var h int64
	for _, r := range name {
		h = (h*31 + int64(r)) % 100000
	}
	return 100000 + h
}

// demoStages are the lead pipeline; the demo leads' stageIds are these.
func demoStages() []Stage {
	return []Stage{{1, "New Lead"}, {2, "Attempted Contact"}, {3, "Active"}, {4, "Nurture"}, {5, "Appointment Set"},
		{6, "Under Contract"}, {7, "Closed"}, {8, "Archived"}}
}

// stageID is the id of the stage named name (0 for none).
func (d *Data) stageID(name string) int64 {
	for _, s := range d.Stages {
		if strings.EqualFold(s.Name, name) {
			return s.ID
		}
	}
	return 0
}

func demoFeatures(d *Data) {
	d.Tags = slices.Clone(demoTagNames)
	d.CustomFields = []Attribute{{Name: "Pre-approval lender", Type: "text"},
		{Name: "Must haves", Type: "multi_select", Params: `{"option":["Garage","Pool","Home office","Big yard"]}`},
		{Name: "Budget flexibility", Type: "percentage"}}
	d.Stages = demoStages()
	d.Ponds = []Pond{{ID: 401, Name: "Website Leads", OwnerID: DemoUserID, AgentIDs: []int64{67892, 67893}},
		{ID: 402, Name: "Cold Leads", OwnerID: DemoUserID, AgentIDs: []int64{DemoUserID}}}
}

func init() {
	areaSeeds = append(areaSeeds, demoFeatures)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/teamFeatures/listTag", f.listTags)
		mux.HandleFunc("GET /v1.0/teamFeatures/listCustomField", f.listCustomFields)
		mux.HandleFunc("POST /v1.0/teamFeatures/custom-field", f.addCustomField)
		mux.HandleFunc("GET /v1.0/teamFeatures/lead-pipelines", f.listStages)
		mux.HandleFunc("GET /v1.0/team-features/lead-ponds", f.listPonds)
		mux.HandleFunc("GET /v1.0/team-features/lead-pond/{id}", f.getPond)
	})
}

func (f *Fake) listTags(w http.ResponseWriter, r *http.Request) {
	created := time.Date(2025, 6, 1, 15, 0, 0, 0, time.UTC).Format(time.RFC3339)
	out := []map[string]any{}
	for _, name := range f.dataFor(r).Tags {
		out = append(out, map[string]any{"tagId": tagID(name), "tagName": name, "createTime": created, "updateTime": created,
			"creatorUserId": DemoUserID, "visibleType": int32(1)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) listCustomFields(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, a := range f.dataFor(r).CustomFields {
		field := map[string]any{"attributeName": a.Name, "attributeType": a.Type, "value": a.Value}
		if a.Params != "" {
			field["params"] = a.Params
		}
		out = append(out, field)
	}
	writeJSON(w, http.StatusOK, out)
}

// addCustomField serves POST /v1.0/teamFeatures/custom-field; the document
// answers the string "success".
func (f *Fake) addCustomField(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name   string `json:"attributeName"`
		Type   string `json:"attributeType"`
		Value  string `json:"value"`
		Params string `json:"params"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if blank(body.Name) || slices.ContainsFunc(f.dataFor(r).CustomFields, func(a Attribute) bool { return strings.EqualFold(a.Name, body.Name) }) {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: the field name is blank or taken")
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		v.data.CustomFields = append(slices.Clone(v.data.CustomFields), Attribute{Name: body.Name, Type: body.Type, Value: body.Value,
			Params: body.Params})
	})
	writeJSON(w, http.StatusOK, "success")
}

// listStages serves GET /v1.0/teamFeatures/lead-pipelines: the stages,
// filtered by name, page (currPage from 0) by page (pageSize default 10).
func (f *Fake) listStages(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(r.URL.Query().Get("name"))
	var hits []map[string]any
	for _, s := range f.dataFor(r).Stages {
		if strings.Contains(strings.ToLower(s.Name), name) {
			hits = append(hits, map[string]any{"id": s.ID, "name": s.Name})
		}
	}
	size := queryIntOr(r, "pageSize", 10)
	offset := queryInt(r, "currPage") * size
	writeJSON(w, http.StatusOK, map[string]any{
		"_metadata": map[string]any{"collection": "pipelines", "offset": offset, "limit": size, "total": len(hits)},
		"pipelines": window(orEmpty(hits), offset, size),
	})
}

func (p *Pond) record() map[string]any {
	return map[string]any{"id": p.ID, "pondName": p.Name, "pondOwnerId": p.OwnerID, "agentIds": orEmpty(p.AgentIDs)}
}

func (f *Fake) listPonds(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, p := range f.dataFor(r).Ponds {
		out = append(out, p.record())
	}
	writeJSON(w, http.StatusOK, out)
}

// getPond answers 400 for an unknown pond: the document lists no 404.
func (f *Fake) getPond(w http.ResponseWriter, r *http.Request) {
	id := pathInt(r, "id")
	for _, p := range f.dataFor(r).Ponds {
		if p.ID == id {
			writeJSON(w, http.StatusOK, p.record())
			return
		}
	}
	writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: no lead pond "+itoa(id))
}
