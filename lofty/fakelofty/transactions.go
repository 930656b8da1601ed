package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Transactions: a lead's deals (Lead Transaction, LeadTransaction), the
// team's search over them and their pipelines (Transactions V2), and the
// transaction custom fields.

// Transaction is a deal on a lead. Dates are epoch milliseconds on the wire.
type Transaction struct {
	ID             int64
	LeadID         int64
	Name           string // usually the property's street address
	Type           string // Purchase, Listing, Lease, Other
	Status         string // a stage of its type's pipeline
	Price          float64
	CommissionRate float64 // percent
	AgentID        int64
	PropertyID     int64
	Created        time.Time
	Updated        time.Time
	ExpectedClose  time.Time
	Closed         time.Time
	Offer          time.Time
	Contract       time.Time
	Inspection     time.Time
	Address        TransactionAddress
	Fields         []FieldValue
}

// TransactionAddress is a transaction's property address
// (LeadTransactionPropertyAddress).
type TransactionAddress struct {
	Unit, Label, Street, City, State, ZipCode, County string
}

// Field is a transaction custom field (CustomFieldResponse).
type Field struct {
	ID     int64
	Name   string
	Type   string // DATE, TEXT, NUMBER, PERCENTAGE, Single-Select, Multi-Select, CURRENCY, HTML
	Params string // the options of a select, as JSON
}

// FieldValue is a custom field's value on a transaction (CustomFieldRequest).
type FieldValue struct {
	ID    int64
	Value string
}

// transactionStages are each type's pipeline (PipelineV2Item).
var transactionStages = map[string][]string{
	"Purchase": {"Pre-contract", "Under Contract", "Closed", "Cancelled"},
	"Listing":  {"Pre-listing", "Active Listing", "Under Contract", "Closed", "Cancelled"},
	"Lease":    {"Application", "Lease Signed", "Cancelled"},
	"Other":    {"Open", "Closed"},
}

// transactionTypes are the pipelines' order.
var transactionTypes = []string{"Purchase", "Listing", "Lease", "Other"}

// gci is the gross commission; the team keeps a fifth of it.
func (t *Transaction) gci() float64 { return t.Price * t.CommissionRate / 100 }

// Record is the transaction as Lofty's LeadTransaction.
func (t *Transaction) Record(d *Data) map[string]any {
	r := t.common(d)
	r["commissions"] = map[string]any{"preSplit": []any{}, "split": []any{map[string]any{"id": t.ID*10 + 1,
		"payType": "AGENT", "payTo": t.AgentID, "payToName": memberName(d, t.AgentID), "value": int64(80), "calculateType": "PERCENT",
		"desc": "Agent split"}}, "postSplit": []any{}}
	return r
}

// RecordV2 is the transaction as Lofty's TransactionV2Item.
func (t *Transaction) RecordV2(d *Data) map[string]any {
	r := t.common(d)
	r["leadId"], r["propertyId"], r["agentName"] = t.LeadID, t.PropertyID, memberName(d, t.AgentID)
	return r
}

func (t *Transaction) common(d *Data) map[string]any {
	lead := ""
	if l := d.Leads[t.LeadID]; l != nil {
		lead = l.Name
	}
	fields := []map[string]any{}
	for _, f := range t.Fields {
		fields = append(fields, map[string]any{"id": f.ID, "value": f.Value})
	}
	r := map[string]any{"created": epochMillis(t.Created), "updated": epochMillis(t.updated()), "transactionId": t.ID,
		"transactionName": t.Name, "leadName": lead, "assignedAgent": t.AgentID, "transactionType": t.Type,
		"homePrice": t.Price, "transactionStatus": t.Status, "commissionRate": t.CommissionRate,
		"gci": t.gci(), "teamRevenue": t.gci() / 5, "agentRevenue": t.gci() * 4 / 5, "customFields": fields}
	for name, at := range map[string]time.Time{"expectedCloseDate": t.ExpectedClose, "closeDate": t.Closed,
		"offerDate": t.Offer, "contractDate": t.Contract, "homeInspectionDate": t.Inspection} {
		if !at.IsZero() {
			r[name] = epochMillis(at)
		}
	}
	return r
}

func (t *Transaction) updated() time.Time {
	if t.Updated.IsZero() {
		return t.Created
	}
	return t.Updated
}

func memberName(d *Data, id int64) string {
	if m := d.member(id); m != nil {
		return m.Name()
	}
	return ""
}

func demoTransactions(d *Data) {
	d.TransactionFields = []Field{
		{ID: 1001, Name: "Closing Agent", Type: "Single-Select", Params: `[{"label":"Title One","value":"1"},{"label":"Austin Title","value":"2"}]`},
		{ID: 1002, Name: "Earnest Money", Type: "CURRENCY"},
		{ID: 1003, Name: "Option Period Ends", Type: "DATE"},
	}
	d.Transactions = []Transaction{
		{ID: 10001, LeadID: DemoLeadWithAgent, Name: "2104 Barton Hills Dr", Type: "Purchase", Status: "Pre-contract",
			Price: 585000, CommissionRate: 3, AgentID: DemoUserID, PropertyID: 20001, Created: ago(3 * 24 * time.Hour),
			ExpectedClose: day(45, 12, 0), Address: TransactionAddress{Label: "Primary home", Street: "2104 Barton Hills Dr",
				City: "Austin", State: "TX", ZipCode: "78704", County: "Travis"},
			Fields: []FieldValue{{ID: 1002, Value: "5000"}}},
		{ID: 10002, LeadID: 563172647619613, Name: "4410 Duval St", Type: "Listing", Status: "Under Contract",
			Price: 725000, CommissionRate: 2.5, AgentID: DemoUserID, PropertyID: 20002, Created: time.Date(2026, 1, 5, 16, 0, 0, 0, time.UTC),
			Offer: time.Date(2026, 2, 20, 18, 0, 0, 0, time.UTC), Contract: time.Date(2026, 2, 23, 18, 0, 0, 0, time.UTC),
			Inspection: time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC), ExpectedClose: day(24, 12, 0),
			Address: TransactionAddress{Street: "4410 Duval St", City: "Austin", State: "TX", ZipCode: "78751", County: "Travis"},
			Fields:  []FieldValue{{ID: 1001, Value: "2"}, {ID: 1002, Value: "7500"}}},
		{ID: 10003, LeadID: 563172647619616, Name: "77 Rainey St #1204", Type: "Purchase", Status: "Closed",
			Price: 499000, CommissionRate: 3, AgentID: 67893, PropertyID: 20003, Created: time.Date(2025, 11, 1, 16, 0, 0, 0, time.UTC),
			Closed:  time.Date(2026, 1, 15, 18, 0, 0, 0, time.UTC),
			Address: TransactionAddress{Unit: "1204", Street: "77 Rainey St", City: "Austin", State: "TX", ZipCode: "78701", County: "Travis"}},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoTransactions)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/leads/{leadId}/transactions", f.leadTransactions)
		mux.HandleFunc("POST /v1.0/leads/{leadId}/transaction", f.addTransaction)
		mux.HandleFunc("GET /v1.0/leads/{leadId}/transaction/{transactionId}", f.getTransaction)
		mux.HandleFunc("PUT /v1.0/leads/{leadId}/transaction/{transactionId}", f.updateTransaction)
		mux.HandleFunc("GET /v1.0/leads/{leadId}/transaction/{transactionId}/property/address", f.transactionAddress)
		mux.HandleFunc("POST /v1.0/leads/{leadId}/transaction/property/address", f.setTransactionAddress)
		mux.HandleFunc("GET /v2.0/transactions", f.searchTransactions)
		mux.HandleFunc("GET /v2.0/transactions/pipelines", f.transactionPipelines)
		mux.HandleFunc("GET /v1.0/transaction/customfields", f.transactionFields)
	})
}

func (f *Fake) leadTransactions(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	d := f.dataFor(r)
	out := []map[string]any{}
	for _, t := range forLead(d.Transactions, l.ID, func(t *Transaction) int64 { return t.LeadID }) {
		out = append(out, t.Record(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// transaction finds transaction id of the lead in the path, or answers 404.
func (f *Fake) transaction(w http.ResponseWriter, r *http.Request, id int64) (*Data, *Transaction, bool) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return nil, nil, false
	}
	d := f.dataFor(r)
	for i := range d.Transactions {
		if t := &d.Transactions[i]; t.ID == id && t.LeadID == l.ID {
			return d, t, true
		}
	}
	notFound(w, "Transaction")
	return nil, nil, false
}

func (f *Fake) getTransaction(w http.ResponseWriter, r *http.Request) {
	if d, t, ok := f.transaction(w, r, pathInt(r, "transactionId")); ok {
		writeJSON(w, http.StatusOK, t.Record(d))
	}
}

// transactionBody is what the fake reads of a LeadTransaction request.
type transactionBody struct {
	Name           string   `json:"transactionName"`
	Type           string   `json:"transactionType"`
	Status         string   `json:"transactionStatus"`
	Price          *float64 `json:"homePrice"`
	CommissionRate *float64 `json:"commissionRate"`
	AgentID        int64    `json:"assignedAgent"`
	ExpectedClose  int64    `json:"expectedCloseDate"`
	CloseDate      int64    `json:"closeDate"`
	CustomFields   []struct {
		ID    int64  `json:"id"`
		Value string `json:"value"`
	} `json:"customFields"`
}

// apply writes b's fields into t; a status must be a stage of t's type.
func (b *transactionBody) apply(t *Transaction) bool {
	if b.Name != "" {
		t.Name = b.Name
	}
	if b.Type != "" {
		t.Type = b.Type
	}
	if b.Status != "" {
		t.Status = b.Status
	}
	if t.Status == "" {
		t.Status = transactionStages[t.Type][0]
	}
	if b.Price != nil {
		t.Price = *b.Price
	}
	if b.CommissionRate != nil {
		t.CommissionRate = *b.CommissionRate
	}
	if b.AgentID != 0 {
		t.AgentID = b.AgentID
	}
	if b.ExpectedClose != 0 {
		t.ExpectedClose = time.UnixMilli(b.ExpectedClose).UTC()
	}
	if b.CloseDate != 0 {
		t.Closed = time.UnixMilli(b.CloseDate).UTC()
	}
	for _, cf := range b.CustomFields {
		t.Fields = append(slices.DeleteFunc(slices.Clone(t.Fields), func(v FieldValue) bool { return v.ID == cf.ID }), FieldValue(cf))
	}
	return slices.Contains(transactionStages[t.Type], t.Status)
}

func (f *Fake) addTransaction(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	var body transactionBody
	_ = json.NewDecoder(r.Body).Decode(&body)
	t := Transaction{LeadID: l.ID, Type: "Purchase", AgentID: DemoUserID, Created: now()}
	if !body.apply(&t) {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: transactionStatus is not a stage of the "+t.Type+" pipeline")
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		t.ID = f.newIDLocked()
		v.data.Transactions = append(slices.Clone(v.data.Transactions), t)
	})
	writeJSON(w, http.StatusOK, t.Record(f.dataFor(r)))
}

func (f *Fake) updateTransaction(w http.ResponseWriter, r *http.Request) {
	_, cur, ok := f.transaction(w, r, pathInt(r, "transactionId"))
	if !ok {
		return
	}
	var body transactionBody
	_ = json.NewDecoder(r.Body).Decode(&body)
	t := *cur
	if !body.apply(&t) {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: transactionStatus is not a stage of the "+t.Type+" pipeline")
		return
	}
	t.Updated = now()
	f.update(r, func(v *view, _ func(int64) *Lead) {
		all := slices.Clone(v.data.Transactions)
		if i := slices.IndexFunc(all, func(x Transaction) bool { return x.ID == t.ID }); i >= 0 {
			all[i] = t
		}
		v.data.Transactions = all
	})
	writeJSON(w, http.StatusOK, t.Record(f.dataFor(r)))
}

func (a *TransactionAddress) record(id int64) map[string]any {
	return map[string]any{"transactionId": id, "unit": a.Unit, "label": a.Label, "state": a.State, "city": a.City,
		"zipCode": a.ZipCode, "streetAddress": a.Street, "county": a.County}
}

func (f *Fake) transactionAddress(w http.ResponseWriter, r *http.Request) {
	if _, t, ok := f.transaction(w, r, pathInt(r, "transactionId")); ok {
		writeJSON(w, http.StatusOK, t.Address.record(t.ID))
	}
}

// setTransactionAddress serves POST .../transaction/property/address: the
// body names the transaction.
func (f *Fake) setTransactionAddress(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TransactionID int64  `json:"transactionId"`
		Unit          string `json:"unit"`
		Label         string `json:"label"`
		State         string `json:"state"`
		City          string `json:"city"`
		ZipCode       string `json:"zipCode"`
		Street        string `json:"streetAddress"`
		County        string `json:"county"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if _, _, ok := f.transaction(w, r, body.TransactionID); !ok {
		return
	}
	addr := TransactionAddress{Unit: body.Unit, Label: body.Label, Street: body.Street, City: body.City,
		State: body.State, ZipCode: body.ZipCode, County: body.County}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		all := slices.Clone(v.data.Transactions)
		if i := slices.IndexFunc(all, func(x Transaction) bool { return x.ID == body.TransactionID }); i >= 0 {
			all[i].Address, all[i].Updated = addr, now()
		}
		v.data.Transactions = all
	})
	writeJSON(w, http.StatusOK, map[string]any{"code": int32(0), "message": "success"})
}

// searchTransactions serves GET /v2.0/transactions: the team's
// transactions by lead, type (All for any) and a key matched against the
// name and the lead's name, newest first, page (from 0) by page (default 20).
func (f *Fake) searchTransactions(w http.ResponseWriter, r *http.Request) {
	d, q := f.dataFor(r), r.URL.Query()
	key, typ, lead := strings.ToLower(q.Get("queryKey")), q.Get("transactionType"), queryInt(r, "leadId")
	var hits []Transaction
	for _, t := range d.Transactions {
		l := d.Leads[t.LeadID]
		if !d.visible(t.LeadID) || (lead != 0 && t.LeadID != lead) || (typ != "" && typ != "All" && t.Type != typ) ||
			(key != "" && !strings.Contains(strings.ToLower(t.Name+" "+l.Name), key)) {
			continue
		}
		hits = append(hits, t)
	}
	slices.SortStableFunc(hits, func(a, b Transaction) int { return b.Created.Compare(a.Created) })
	size := queryIntOr(r, "pageSize", 20)
	page := queryInt(r, "pageNum")
	out := []map[string]any{}
	for _, t := range window(hits, page*size, size) {
		out = append(out, t.RecordV2(d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"pageNum": page, "pageSize": size, "totalCount": len(hits), "pageData": out})
}

func (f *Fake) transactionPipelines(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for ti, typ := range transactionTypes {
		stages := []map[string]any{}
		for si, name := range transactionStages[typ] {
			stages = append(stages, map[string]any{"id": int64(88001 + ti*100 + si), "name": name, "default": si == 0})
		}
		out = append(out, map[string]any{"transactionType": typ, "stages": stages})
	}
	writeJSON(w, http.StatusOK, map[string]any{"pipelines": out})
}

func (f *Fake) transactionFields(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, fd := range f.dataFor(r).TransactionFields {
		rec := map[string]any{"id": fd.ID, "name": fd.Name, "type": fd.Type}
		if fd.Params != "" {
			rec["params"] = fd.Params
		}
		out = append(out, rec)
	}
	writeJSON(w, http.StatusOK, out)
}
