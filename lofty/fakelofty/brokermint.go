package fakelofty

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Brokermint's syncs into Lofty: a contact (PUT /v1.0/brokermint/lead)
// and a transaction (PUT /v1.0/brokermint/transaction). Lofty updates only
// what its UI linked to Brokermint and says otherwise with a non-zero code
// at HTTP 200; in the demo world every lead (by email) and every
// transaction (by id) is linked.

func init() {
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("PUT /v1.0/brokermint/lead", f.brokermintLead)
		mux.HandleFunc("PUT /v1.0/brokermint/transaction", f.brokermintTransaction)
	})
}

// Brokermint codes for what is not linked.
const (
	brokermintNotLinked   = 200061 // no lead linked to this contact
	transactionNotExist   = 200060 // TRANSACTION_NOT_EXIST, as the document names it
	brokermintNotAccepted = 20012
)

func codeAnswer(w http.ResponseWriter, code int32, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"code": code, "message": msg})
}

// brokermintLead updates the lead whose email the contact has: its name,
// phone, address and source, where sent.
func (f *Fake) brokermintLead(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Email, FirstName, LastName, ContactType, ExternalID, Address, City, State, Zip, Phone, LeadSource string
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { codeAnswer(w, brokermintNotAccepted, "INVALID_PARAMETER: not a Contacts") }) {
		return
	}
	var id int64
	for _, l := range f.dataFor(r).Leads {
		if !l.Forbidden && !l.Trashed && slices.ContainsFunc(l.Emails(), func(e string) bool { return strings.EqualFold(e, body.Email) }) {
			id = l.ID
		}
	}
	if id == 0 || blank(body.Email) {
		codeAnswer(w, brokermintNotLinked, "BROKERMINT_NOT_LINKED: no lead is linked to this contact")
		return
	}
	f.update(r, func(v *view, lead func(int64) *Lead) {
		l := lead(id)
		first, last := l.FirstName(), l.LastName()
		if body.FirstName != "" {
			first = body.FirstName
		}
		if body.LastName != "" {
			last = body.LastName
		}
		l.Name = strings.TrimSpace(first + " " + last)
		for _, f := range []struct {
			v   string
			dst *string
		}{{body.Address, &l.StreetAddress}, {body.City, &l.City}, {body.State, &l.State}, {body.Zip, &l.ZipCode}, {body.LeadSource, &l.Source}} {
			if f.v != "" {
				*f.dst = f.v
			}
		}
		if body.Phone != "" && !slices.Contains(l.Phones, body.Phone) {
			l.Phones = append([]string{body.Phone}, l.Phones...)
		}
	})
	codeAnswer(w, 0, "success")
}

// brokermintTransaction updates transaction id: its agent, address,
// price, type, close dates and, for Closed and Cancelled, its status.
func (f *Fake) brokermintTransaction(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ID              int64    `json:"id"`
		AgentID         int64    `json:"agentId"`
		Address         string   `json:"address"`
		City            string   `json:"city"`
		State           string   `json:"state"`
		Zip             string   `json:"zip"`
		Status          string   `json:"status"`
		TransactionType string   `json:"transactionType"`
		Price           *float64 `json:"price"`
		ExpirationDate  string   `json:"expirationDate"`
		ClosedAt        string   `json:"closedAt"`
		ClosingDate     string   `json:"closingDate"`
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) {
		codeAnswer(w, brokermintNotAccepted, "INVALID_PARAMETER: not an IncomingTransaction")
	}) {
		return
	}
	d := f.dataFor(r)
	i := slices.IndexFunc(d.Transactions, func(t Transaction) bool { return t.ID == body.ID })
	if i < 0 {
		codeAnswer(w, transactionNotExist, "TRANSACTION_NOT_EXIST")
		return
	}
	if body.AgentID != 0 && d.member(body.AgentID) == nil {
		codeAnswer(w, brokermintNotAccepted, "INVALID_PARAMETER: no agent "+itoa(body.AgentID))
		return
	}
	t := d.Transactions[i] // a copy: the address is a value too
	for _, f := range []struct {
		v   string
		dst *string
	}{{body.Address, &t.Address.Street}, {body.City, &t.Address.City}, {body.State, &t.Address.State}, {body.Zip, &t.Address.ZipCode}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	if body.AgentID != 0 {
		t.AgentID = body.AgentID
	}
	if body.Price != nil {
		t.Price = *body.Price
	}
	if slices.Contains(transactionTypes, body.TransactionType) {
		t.Type = body.TransactionType
	}
	if body.Status == "Closed" || body.Status == "Cancelled" {
		t.Status = body.Status
	}
	for _, f := range []struct {
		v   string
		dst *time.Time
	}{{body.ClosedAt, &t.Closed}, {body.ClosingDate, &t.ExpectedClose}} { // the demo world keeps no expiration
		if at, err := time.Parse(time.RFC3339, f.v); err == nil {
			*f.dst = at
		}
	}
	t.Updated = now()
	f.update(r, func(v *view, _ func(int64) *Lead) {
		all := slices.Clone(v.data.Transactions)
		all[i] = t
		v.data.Transactions = all
	})
	codeAnswer(w, 0, "success")
}
