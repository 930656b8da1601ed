package fakelofty

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

// Webhooks: the caller's subscriptions (WebhookResponse). Lofty's event
// lists (listId) include 6 Call, 7 Email, 8 Text, 9 Note, 10 Task,
// 11 Appointment and 12 Pipeline Change; it signs no payload.

// Webhook is a subscription to one of Lofty's event lists.
type Webhook struct {
	ID             int64 // subscribeId
	ListID         int32
	CallbackURL    string
	Limit          int32
	PermissionMode int32
}

func (h *Webhook) record() map[string]any {
	return map[string]any{"subscribeId": h.ID, "teamId": DemoTeamID, "listId": h.ListID, "vendorId": int64(123),
		"callbackUrl": h.CallbackURL, "limit": h.Limit, "permissionMode": h.PermissionMode}
}

func init() {
	areaSeeds = append(areaSeeds, func(d *Data) {
		d.Webhooks = []Webhook{{ID: 5001, ListID: 9, CallbackURL: "https://hooks.example.com/lofty/notes", Limit: 100}}
	})
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/webhooks", f.listWebhooks)
		mux.HandleFunc("POST /v1.0/webhook", f.addWebhook)
		mux.HandleFunc("DELETE /v1.0/webhook/{subscribeId}", f.deleteWebhook)
	})
}

func (f *Fake) listWebhooks(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, h := range f.dataFor(r).Webhooks {
		out = append(out, h.record())
	}
	writeJSON(w, http.StatusOK, out)
}

// addWebhook serves POST /v1.0/webhook: an https callback URL, one
// subscription per event list.
func (f *Fake) addWebhook(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ListID         int32  `json:"listId"`
		CallbackURL    string `json:"callbackUrl"`
		Limit          *int32 `json:"limit"`
		PermissionMode int32  `json:"permissionMode"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if u, err := url.Parse(body.CallbackURL); err != nil || u.Scheme != "https" || u.Host == "" {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: callbackUrl must be an https URL")
		return
	}
	if slices.ContainsFunc(f.dataFor(r).Webhooks, func(h Webhook) bool { return h.ListID == body.ListID }) {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: already subscribed to this event list")
		return
	}
	h := Webhook{ListID: body.ListID, CallbackURL: body.CallbackURL, Limit: 100, PermissionMode: body.PermissionMode}
	if body.Limit != nil {
		h.Limit = *body.Limit
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		h.ID = f.newIDLocked()
		v.data.Webhooks = append(slices.Clone(v.data.Webhooks), h)
	})
	writeJSON(w, http.StatusOK, h.record())
}

// deleteWebhook serves DELETE /v1.0/webhook/{subscribeId}; the document
// gives its 200 no body, and an unknown subscription 400.
func (f *Fake) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := pathInt(r, "subscribeId")
	if !slices.ContainsFunc(f.dataFor(r).Webhooks, func(h Webhook) bool { return h.ID == id }) {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: no subscription "+itoa(id))
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		v.data.Webhooks = slices.DeleteFunc(slices.Clone(v.data.Webhooks), func(h Webhook) bool { return h.ID == id })
	})
	w.WriteHeader(http.StatusOK)
}
