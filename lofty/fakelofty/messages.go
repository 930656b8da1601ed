package fakelofty

import (
	"net/http"
	"slices"
)

// Messages: who among the demo leads must not get a text or an email
// (Lofty's phoneStatuses, cannotText, unsubscription), the person's own
// notifications (a system text or email to themselves) and the opportunity
// alert to a lead's agents. Texts and emails to leads are served with the
// rest of a lead's communications (communications.go).

// Phone statuses, as LeadResponse.phoneStatuses gives them for each of a
// lead's phones, in order.
const (
	PhoneInvalid    int32 = 1
	PhoneValid      int32 = 2
	PhoneTalked     int32 = 3
	PhoneDNCNumber  int32 = 4
	PhoneDNCContact int32 = 5
)

// Demo leads a message must not reach, each for its own reason.
const (
	// DemoLeadUnsubscribed (Grace Kim, a past client) unsubscribed from email.
	DemoLeadUnsubscribed int64 = 563172647619616
	// DemoLeadDNCNumber (Liam O'Brien): his only number is Do Not Call.
	DemoLeadDNCNumber int64 = 563172647619615
	// DemoLeadInvalidNumber (Noah Williams): his only number is invalid.
	DemoLeadInvalidNumber int64 = 563172647619617
)

func demoMessageMarks(d *Data) {
	mark := func(id int64, fields map[string]any) {
		l := d.Leads[id]
		if l == nil {
			return
		}
		if l.Extra == nil {
			l.Extra = map[string]any{}
		}
		for k, v := range fields {
			l.Extra[k] = v
		}
	}
	mark(DemoLeadWithAgent, map[string]any{"phoneStatuses": []int32{PhoneTalked}})
	mark(DemoLeadUnsubscribed, map[string]any{"unsubscription": true, "phoneStatuses": []int32{PhoneValid}})
	mark(DemoLeadDNCNumber, map[string]any{"phoneStatuses": []int32{PhoneDNCNumber}})
	mark(DemoLeadInvalidNumber, map[string]any{"phoneStatuses": []int32{PhoneInvalid}})
}

func init() {
	areaSeeds = append(areaSeeds, demoMessageMarks)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("POST /v2.0/sales-agent/message/sms/send-to-agent", f.systemTextToAgent)
		mux.HandleFunc("POST /v2.0/sales-agent/message/email/send-to-agent", f.systemEmailToAgent)
		mux.HandleFunc("POST /v1.0/agent/send-notification", f.opportunityAlert)
	})
}

// systemTextToAgent serves POST /v2.0/sales-agent/message/sms/send-to-agent:
// a text to the person's own phone, which Texts lists.
func (f *Fake) systemTextToAgent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content string `json:"content"`
	}
	bad := func(w http.ResponseWriter) {
		writeText(w, http.StatusBadRequest, "Invalid parameters (blank content).")
	}
	if !readBody(w, r, &body, bad) {
		return
	}
	if blank(body.Content) {
		bad(w)
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) { v.texts = append(v.texts, body.Content) })
	writeJSON(w, http.StatusOK, map[string]any{"message": "SMS sent successfully"})
}

// systemEmailToAgent serves POST /v2.0/sales-agent/message/email/send-to-agent.
func (f *Fake) systemEmailToAgent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Subject string `json:"subject"`
		Content string `json:"content"`
	}
	bad := func(w http.ResponseWriter) {
		writeText(w, http.StatusBadRequest, "Invalid parameters (blank subject or content).")
	}
	if !readBody(w, r, &body, bad) {
		return
	}
	if blank(body.Subject) || blank(body.Content) {
		bad(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Email sent successfully"})
}

// opportunityAlert serves POST /v1.0/agent/send-notification: data is
// true when the lead is the team's and has an assigned agent, false (the
// silent failure Lofty documents) otherwise.
func (f *Fake) opportunityAlert(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LeadID           int64 `json:"leadId"`
		NotificationType int32 `json:"notificationType"`
	}
	if !readBody(w, r, &body, invalidParameter) {
		return
	}
	l := f.dataFor(r).Leads[body.LeadID]
	sent := l != nil && !l.Forbidden && !l.Trashed && l.AssignedUserID != 0 && body.NotificationType != 0
	writeJSON(w, http.StatusOK, map[string]any{"status": map[string]any{"code": 0, "msg": "success"}, "data": sent})
}

// leadPhone is the lead's number that phoneCode+phoneNumber names, or its
// first when they name none of its numbers (as Lofty documents).
func leadPhone(l *Lead, code, number string) string {
	if number != "" {
		if i := slices.IndexFunc(l.Phones, func(p string) bool { return samePhone(p, code+number) }); i >= 0 {
			return l.Phones[i]
		}
	}
	if len(l.Phones) > 0 {
		return l.Phones[0]
	}
	return ""
}
