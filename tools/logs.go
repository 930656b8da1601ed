package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Logged contacts (Lofty's manual logs): a call, email or text that
// happened outside Lofty, recorded on the lead's timeline; and, as channel
// site, something the lead did on a website (Lofty's lead activity),
// which fits the same "record it, send nothing" shape without a tool of
// its own in tools/list.

// AddContactLogInput is what the model sends to add_contact_log.
type AddContactLogInput struct {
	LeadID    int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Channel   string `json:"channel" jsonschema:"enum=call,enum=email,enum=text,enum=site,description=site: lead's web activity"`
	Content   string `json:"content" jsonschema:"minLength=1,maxLength=5000,description=What happened"`
	Direction string `json:"direction,omitempty" jsonschema:"enum=out,enum=in,description=in: the lead reached out"`
	Outcome   string `json:"outcome,omitempty" jsonschema:"enum=Talked,enum=VoiceMessage,enum=NoAnswer,enum=BadNumber,enum=DNCNumber,enum=DNCContact,description=Call outcome"`
	Phone     string `json:"phone,omitempty" jsonschema:"description=Default: the lead's"`
	Subject   string `json:"subject,omitempty" jsonschema:"description=Email subject"`
	Activity  string `json:"activity,omitempty" jsonschema:"enum=Search,enum=Browse,enum=Favorite,enum=Request,enum=Submission,description=For site"`
	// LeadPhone is the number a logged call records: Phone, else the
	// lead's first (Lookup).
	LeadPhone string `json:"-"`
	// Lead is the lead, when the Lookup read it (for its number).
	Lead lofty.Lead `json:"-"`
}

// ContactLogResult is the answer of the tools that add or delete a logged contact.
type ContactLogResult struct {
	Outcome
	LeadID int64 `json:"leadId,omitempty"`
	LogID  int64 `json:"logId,omitempty"`
}

// maxSiteText bounds a site visit's text (a search's words, a page's
// title). Lofty's document sets no bound; the timeline shows it in a line.
const maxSiteText = 500

var logTypes = map[string]string{"call": lofty.LogCall, "email": lofty.LogEmail, "text": lofty.LogText}

// AddContactLog records a call, email or text that happened outside Lofty.
var AddContactLog = Spec[AddContactLogInput, ContactLogResult]{
	Name:     "add_contact_log",
	Title:    "Log a contact",
	Toolset:  ToolsetLeadActions,
	Upstream: []string{"GET " + lofty.LeadTemplate, "POST /v1.0/logType", "POST /v1.0/leads/{leadId}/activity"},
	Example: `{"leadId": 563172647619608, "channel": "call", "phone": "+14155551234", "outcome": "VoiceMessage", ` +
		`"content": "Called, left a voicemail about Thursday."}`,
	Description: "Log a call, email or text had outside Lofty (\"called, left voicemail\"), or a site visit, on a lead's " +
		"timeline (leadId: find_leads); nothing is sent.",
	Check: func(in AddContactLogInput) error {
		if in.Channel == KindSite {
			switch {
			case in.Activity == "":
				return errors.New("\"activity\" is required for site: what the lead did")
			case in.Direction != "":
				return errors.New("\"direction\" is for a call, email or text; this records a site visit")
			case utf8.RuneCountInString(in.Content) > maxSiteText:
				return fmt.Errorf("\"content\" of a site visit is at most %d characters", maxSiteText)
			}
		} else if in.Activity != "" {
			return fmt.Errorf("\"activity\" is for site; this logs a %s", in.Channel)
		}
		if in.Channel != "call" && (in.Outcome != "" || in.Phone != "") {
			return fmt.Errorf("\"outcome\" and \"phone\" are for a call; this logs an %s", in.Channel)
		}
		if in.Channel != "email" && in.Subject != "" {
			return fmt.Errorf("\"subject\" is for an email; this logs a %s", in.Channel)
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in AddContactLogInput) (ContactLogResult, error) {
		if in.Channel == KindSite {
			_, err := c.AddSiteActivity(ctx, in.LeadID, lofty.NewSiteActivity{Type: in.Activity, Text: in.Content,
				Created: time.Now().UnixMilli()})
			return ContactLogResult{LeadID: in.LeadID}, err
		}
		dir := "outbound"
		if in.Direction == dirIn {
			dir = "inbound"
		}
		m, err := c.AddManualLog(ctx, lofty.ManualLogRequest{LeadID: in.LeadID, LogType: logTypes[in.Channel],
			LeadPhoneNumber: in.LeadPhone, CallingOutcome: in.Outcome, Content: in.Content, OutboundOrInbound: dir,
			EmailSubject: in.Subject})
		return ContactLogResult{LeadID: in.LeadID, LogID: m.ID}, err
	},
	Subject:  func(in AddContactLogInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in AddContactLogInput) string { return noSuchLead(in.LeadID) },
	Write: &Write[AddContactLogInput, ContactLogResult]{
		Act:        "log this contact on the lead's timeline",
		Leads:      func(in AddContactLogInput) []int64 { return []int64{in.LeadID} },
		TextLength: func(in AddContactLogInput) int { return utf8.RuneCountInString(in.Content) },
		Lookup: func(ctx context.Context, c *lofty.Client, in *AddContactLogInput) error {
			in.LeadPhone = strings.TrimSpace(in.Phone)
			if in.Channel != "call" || in.LeadPhone != "" {
				return nil
			}
			// Lofty requires the number of a logged call.
			l, err := c.Lead(ctx, in.LeadID)
			if err != nil {
				return err
			}
			in.Lead = l
			for _, p := range l.Phones {
				if p = strings.TrimSpace(p); p != "" && utf8.RuneCountInString(p) <= 20 {
					in.LeadPhone = p
					return nil
				}
			}
			return Refuse("Lofty needs the number called to log a call, and lead %d has no phone number on record: "+
				"give \"phone\".", in.LeadID)
		},
		Ask: func(in AddContactLogInput, leads LeadNames) string {
			if in.Channel == KindSite {
				return "Record on the lead's timeline that they " + siteSummary(in.Activity) +
					", now? It only records it: nothing is sent to the lead.\n\nLead: " + leads.One(in.LeadID) + "\n\nWhat:\n" + in.Content
			}
			s := "Log this " + in.Channel + " on the lead's timeline? It only records it: nothing is sent to the lead."
			var facts []string
			if in.Direction == dirIn {
				facts = append(facts, "the lead reached out")
			}
			if p := phrase(callOutcomes, in.Outcome); p != "" {
				facts = append(facts, "outcome: "+p)
			}
			if in.LeadPhone != "" {
				facts = append(facts, "number: "+Quote(in.LeadPhone, 20))
			}
			if in.Subject != "" {
				facts = append(facts, "subject: "+Quote(in.Subject, 200))
			}
			if len(facts) > 0 {
				s += " (" + strings.Join(facts, "; ") + ")"
			}
			return s + "\n\nLead: " + leadNamed(leads, in.LeadID, in.Lead) + "\n\nLog:\n" + in.Content
		},
		Done: func(in AddContactLogInput, out ContactLogResult, leads LeadNames) string {
			if in.Channel == KindSite {
				return "Recorded on " + leads.One(in.LeadID) + "'s timeline that they " + siteSummary(in.Activity) + "."
			}
			s := "Logged a " + in.Channel + " on " + leads.One(in.LeadID)
			if out.LogID != 0 {
				s += fmt.Sprintf(" (log %d)", out.LogID)
			}
			return s + ". Lofty stores it in the background: it may take a moment to show on the timeline."
		},
		Check: "Ask the person to look at the lead's timeline in Lofty",
	},
}
