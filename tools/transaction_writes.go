package tools

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Creating and changing a transaction. Lofty falls back silently to the
// pipeline's first stage for a stage name it does not know, so a stage is
// checked against the pipeline before the person is asked; a date is a
// day in the person's zone, sent as its noon (which stays that day in any
// US zone); the address is replaced whole by Lofty, so the parts not given
// are kept from the current one.

// DealChange is what save_transaction sets.
type DealChange struct {
	Name           string   `json:"name,omitempty" jsonschema:"maxLength=200,description=Name"`
	Stage          string   `json:"stage,omitempty" jsonschema:"description=Stage"`
	Price          *float64 `json:"price,omitempty" jsonschema:"description=USD"`
	CommissionRate *float64 `json:"commissionRate,omitempty" jsonschema:"description=Percent"`
	ExpectedClose  string   `json:"expectedClose,omitempty" jsonschema:"description=YYYY-MM-DD"`
	Address        string   `json:"address,omitempty" jsonschema:"description=Street[ #unit]\\, City\\, ST ZIP"`
	Fields         []string `json:"fields,omitempty" jsonschema:"maxItems=20,description=Custom: Name=Value"`

	// Filled by the lookup before the person is asked.
	expectedMs    int64
	fieldValues   []lofty.TransactionFieldValue
	address       *lofty.PropertyAddress // the whole address to send
	before        lofty.Transaction      // an update's transaction as it is
	beforeAddress string
}

// addressForm is an address on one line: street (with an optional
// "#unit"), city, and state with an optional ZIP code.
var addressForm = regexp.MustCompile(`^\s*([^,]+?)\s*(?:#\s*([^,]+?)\s*)?,\s*([^,]+?)\s*,\s*([A-Za-z][A-Za-z .]*?)\s*(\d{5}(?:-\d{4})?)?\s*$`)

// parseAddress reads "2104 Barton Hills Dr, Austin, TX 78704".
func parseAddress(s string) (lofty.PropertyAddress, bool) {
	m := addressForm.FindStringSubmatch(s)
	if m == nil {
		return lofty.PropertyAddress{}, false
	}
	return lofty.PropertyAddress{StreetAddress: m[1], Unit: m[2], City: m[3], State: m[4], ZipCode: m[5]}, true
}

// fieldForm is a custom field's value as the model sends it.
var fieldForm = regexp.MustCompile(`^\s*([^=]+?)\s*=\s*(.*?)\s*$`)

var dateForm = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// check refuses what Lofty would refuse or misread.
func (d DealChange) check() error {
	if d.Price != nil && *d.Price < 0 {
		return fmt.Errorf("\"price\" must be 0 or more")
	}
	if d.CommissionRate != nil && (*d.CommissionRate < 0 || *d.CommissionRate > 100) {
		return fmt.Errorf("\"commissionRate\" is a percentage from 0 to 100")
	}
	if strings.ContainsAny(d.Name, "<>") {
		return fmt.Errorf("\"name\" must not contain < or >, which Lofty refuses")
	}
	if v := d.ExpectedClose; v != "" {
		if _, err := time.Parse(time.DateOnly, v); err != nil || !dateForm.MatchString(v) {
			return fmt.Errorf("\"expectedClose\" must be a date YYYY-MM-DD, got %q", v)
		}
	}
	if utf8.RuneCountInString(d.Stage) > 100 || utf8.RuneCountInString(d.Address) > 300 {
		return fmt.Errorf("\"stage\" is at most 100 characters, \"address\" at most 300")
	}
	if d.Address != "" {
		if _, ok := parseAddress(d.Address); !ok {
			return fmt.Errorf("\"address\" must read Street[ #unit], City, ST ZIP (e.g. \"2104 Barton Hills Dr, Austin, TX 78704\")")
		}
	}
	seen := map[string]bool{}
	for _, f := range d.Fields {
		m := fieldForm.FindStringSubmatch(f)
		if m == nil {
			return fmt.Errorf("each of \"fields\" must read Name=Value")
		}
		k := strings.ToLower(m[1])
		if seen[k] {
			return fmt.Errorf("\"fields\" names %q twice", m[1])
		}
		seen[k] = true
	}
	return nil
}

// lookup reads what the change needs from Lofty: the stages of typ (when
// a stage is given), the person's zone (dates), the custom fields (fields)
// and, for an address, the current one when there is a transaction.
func (d *DealChange) lookup(ctx context.Context, c *lofty.Client, leadID, transactionID int64, typ string) error {
	// An update's stage Lofty checks itself (200125); a new transaction's
	// it would replace with the pipeline's first, silently.
	if d.Stage != "" && typ != "" {
		stage, err := pipelineStage(ctx, c, typ, d.Stage)
		if err != nil {
			return err
		}
		d.Stage = stage
	}
	if d.ExpectedClose != "" {
		d.expectedMs = noonMillis(d.ExpectedClose, PersonZone(ctx, c).Location)
	}
	if len(d.Fields) > 0 {
		fields, err := c.TransactionFields(ctx)
		if err != nil {
			return err
		}
		if d.fieldValues, err = customFieldValues(d.Fields, fields); err != nil {
			return err
		}
	}
	if d.Address != "" {
		// Lofty replaces the address whole: keep what the line cannot say.
		next, _ := parseAddress(d.Address)
		next.TransactionID = transactionID
		if transactionID != 0 {
			cur, err := c.PropertyAddress(ctx, leadID, transactionID)
			switch {
			case err == nil:
				next.Label, next.County = cur.Label, cur.County
				d.beforeAddress = addressText(cur)
			case lofty.KindOf(err) != lofty.KindNotFound: // none yet: nothing to keep
				return err
			}
		}
		d.address = &next
	}
	return nil
}

// noonMillis is noon of date (YYYY-MM-DD) in zone, in epoch
// milliseconds; 0 for "".
func noonMillis(date string, zone *time.Location) int64 {
	day, err := time.ParseInLocation(time.DateOnly, date, zone)
	if err != nil {
		return 0
	}
	return day.Add(12 * time.Hour).UnixMilli()
}

// pipelineStage is the stage of typ's pipeline named name (ignoring
// case), as the pipeline spells it; an unknown name is refused (invalidArguments)
// that lists the stages.
func pipelineStage(ctx context.Context, c *lofty.Client, typ, name string) (string, error) {
	pipelines, err := c.TransactionPipelines(ctx)
	if err != nil {
		return "", err
	}
	for _, p := range pipelines {
		if p.TransactionType != typ {
			continue
		}
		var names []string
		for _, s := range p.Stages {
			if strings.EqualFold(strings.TrimSpace(s.Name), strings.TrimSpace(name)) {
				return s.Name, nil
			}
			names = append(names, strconv.Quote(CleanLine(s.Name, MaxNameLength)))
		}
		return "", invalidArguments("%s is not a stage of the team's %s pipeline; its stages are %s",
			strconv.Quote(CleanLine(name, MaxNameLength)), typ, strings.Join(names, ", "))
	}
	return "", invalidArguments("the team has no %s pipeline", typ)
}

// customFieldValues turns "Name=Value" into Lofty's values, a select's
// labels into its values; a name the team has no field for is an
// refusal that lists the fields.
func customFieldValues(in []string, fields []lofty.TransactionField) ([]lofty.TransactionFieldValue, error) {
	var out []lofty.TransactionFieldValue
	for _, f := range in {
		m := fieldForm.FindStringSubmatch(f)
		name, value := m[1], m[2]
		i := slices.IndexFunc(fields, func(f lofty.TransactionField) bool { return strings.EqualFold(strings.TrimSpace(f.Name), name) })
		if i < 0 {
			var names []string
			for _, f := range fields {
				names = append(names, strconv.Quote(CleanLine(f.Name, MaxNameLength)))
			}
			return nil, invalidArguments("the team has no transaction custom field %s; it has %s",
				strconv.Quote(CleanLine(name, MaxNameLength)), strings.Join(names, ", "))
		}
		for code, label := range fieldOptions(fields[i]) {
			if strings.EqualFold(label, value) {
				value = code
			}
		}
		out = append(out, lofty.TransactionFieldValue{ID: fields[i].ID, Value: value})
	}
	return out, nil
}

// wire is the change as Lofty's request.
func (d DealChange) wire(name, typ string) lofty.TransactionChange {
	return lofty.TransactionChange{TransactionName: name, TransactionType: typ, TransactionStatus: d.Stage,
		HomePrice: d.Price, CommissionRate: d.CommissionRate, ExpectedCloseDate: d.expectedMs,
		CustomFields: d.fieldValues}
}

// amount says an amount of money: $612,000 or $612,000.50.
func amount(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return money(int64(v))
	}
	return "$" + strconv.FormatFloat(v, 'f', 2, 64)
}

// changes lists, in our words, what the change sets, "before → after"
// where the transaction had a value (update) and the value alone for a
// new one. Names and the address are quoted: they may hold anyone's text.
func (d DealChange) changes(update bool) []string {
	var out []string
	b := d.before.TransactionFields
	add := func(what, before, after string) {
		switch {
		case update && before == after:
			out = append(out, what+" "+after+" (as now)")
		case update && before != "":
			out = append(out, what+" "+before+" → "+after)
		default:
			out = append(out, what+" "+after)
		}
	}
	zone := time.UTC
	if d.Name != "" {
		add("name", quoteIf(b.TransactionName), Quote(d.Name, MaxSummaryLength))
	}
	if d.Stage != "" {
		add("stage", quoteIf(b.TransactionStatus), Quote(d.Stage, MaxNameLength))
	}
	if d.Price != nil {
		add("price", amountIf(float64(b.HomePrice)), amount(*d.Price))
	}
	if d.CommissionRate != nil {
		add("commission", percentIf(float64(b.CommissionRate)), strconv.FormatFloat(*d.CommissionRate, 'f', -1, 64)+"%")
	}
	if d.ExpectedClose != "" {
		add("expected close", dateIf(b.ExpectedCloseDate, zone), d.ExpectedClose)
	}
	for _, f := range d.Fields {
		out = append(out, "custom field "+Quote(f, MaxSummaryLength))
	}
	if d.address != nil {
		add("address", quoteIf(d.beforeAddress), Quote(addressText(*d.address), MaxSummaryLength))
	}
	return out
}

func quoteIf(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return Quote(s, MaxSummaryLength)
}

func amountIf(v float64) string {
	if v == 0 {
		return ""
	}
	return amount(v)
}

func percentIf(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "%"
}

// dateIf is the day of t (its date where Lofty stored it, at noon in a US
// zone, or in UTC), or "".
func dateIf(t lofty.Time, zone *time.Location) string {
	at := instant(t)
	if at.IsZero() {
		return ""
	}
	return at.In(zone).Format(time.DateOnly)
}

// TransactionResult is the answer of a transaction write.
type TransactionResult struct {
	Outcome
	TransactionID int64  `json:"transactionId,omitempty"`
	Stage         string `json:"stage,omitempty"`
	Note          string `json:"note,omitempty"`
}

// SaveTransactionInput is what the model sends to save_transaction.
type SaveTransactionInput struct {
	LeadID        int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	TransactionID int64  `json:"transactionId,omitempty" jsonschema:"minimum=1,description=None: create"`
	Type          string `json:"type,omitempty" jsonschema:"enum=Purchase,enum=Listing,enum=Lease,enum=Other,description=Pipeline"`
	DealChange
}

// creates reports whether the call creates a transaction.
func (in SaveTransactionInput) creates() bool { return in.TransactionID == 0 }

// SaveTransaction creates a transaction on a lead, or changes one.
var SaveTransaction = Spec[SaveTransactionInput, TransactionResult]{
	Name:    "save_transaction",
	Title:   "Save transaction",
	Toolset: ToolsetDealActions,
	Upstream: []string{"POST /v1.0/leads/{leadId}/transaction", "PUT /v1.0/leads/{leadId}/transaction/{transactionId}",
		"POST /v1.0/leads/{leadId}/transaction/property/address", "GET /v1.0/leads/{leadId}/transaction/{transactionId}",
		"GET /v1.0/leads/{leadId}/transaction/{transactionId}/property/address", "GET /v2.0/transactions/pipelines",
		"GET /v1.0/transaction/customfields", "GET " + lofty.MePath},
	Example:     `{"leadId": 563172647619608, "transactionId": 10001, "stage": "Under Contract", "price": 590000}`,
	Description: "Create a transaction on a lead (find_leads; each call adds one), or change what is given of one.",
	Check: func(in SaveTransactionInput) error {
		d := in.DealChange
		switch {
		case in.creates() && (in.Type == "" || strings.TrimSpace(d.Name) == ""):
			return fmt.Errorf("creating a transaction needs its type and its name (usually the address); to change one, give its transactionId")
		case !in.creates() && in.Type == "" && !d.fieldsChanged() && d.Address == "":
			return fmt.Errorf("nothing to change: give at least one of stage, price, commissionRate, expectedClose, closed, name, type, address, fields")
		}
		return d.check()
	},
	Call: func(ctx context.Context, c *lofty.Client, in SaveTransactionInput) (TransactionResult, error) {
		out := TransactionResult{TransactionID: in.TransactionID, Stage: in.before.TransactionStatus}
		typ := in.Type
		if typ == "" {
			typ = in.before.TransactionType
		}
		if in.creates() || in.Type != "" || in.fieldsChanged() {
			name := strings.TrimSpace(in.Name)
			if name == "" {
				name = in.before.TransactionName // Lofty requires the name in every update
			}
			var t lofty.Transaction
			var err error
			if in.creates() {
				t, err = c.CreateTransaction(ctx, in.LeadID, in.wire(name, typ))
			} else {
				t, err = c.UpdateTransaction(ctx, in.LeadID, in.TransactionID, in.wire(name, typ))
			}
			if err != nil {
				return out, err
			}
			out.TransactionID, out.Stage = t.TransactionID, t.TransactionStatus
		}
		if in.address != nil && out.TransactionID != 0 {
			a := *in.address
			a.TransactionID = out.TransactionID
			if err := c.SetPropertyAddress(ctx, in.LeadID, a); err != nil {
				if !in.creates() && in.Type == "" && !in.fieldsChanged() {
					return out, err
				}
				out.Note = "The transaction was saved, but not its address: " + ErrorText(err, "the address", "") +
					fmt.Sprintf(" Setting it again (transactionId %d) is safe.", out.TransactionID)
			}
		}
		return out, nil
	},
	Subject: func(in SaveTransactionInput) string {
		if in.creates() {
			return fmt.Sprintf("lead %d", in.LeadID)
		}
		return fmt.Sprintf("transaction %d of lead %d", in.TransactionID, in.LeadID)
	},
	NotFound: func(in SaveTransactionInput) string {
		if in.creates() {
			return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
		}
		return fmt.Sprintf("Lead %d has no transaction %d that these credentials can see (or no such lead).", in.LeadID, in.TransactionID)
	},
	Write: &Write[SaveTransactionInput, TransactionResult]{
		Destructive: true, // a change replaces what was there
		Act:         "save this transaction",
		Leads:       func(in SaveTransactionInput) []int64 { return []int64{in.LeadID} },
		Lookup: func(ctx context.Context, c *lofty.Client, in *SaveTransactionInput) error {
			typ := in.Type
			if !in.creates() {
				t, err := c.Transaction(ctx, in.LeadID, in.TransactionID)
				if err != nil {
					return err
				}
				in.before = t
				if typ == "" {
					typ = t.TransactionType
				}
				if strings.TrimSpace(t.TransactionName) == "" && strings.TrimSpace(in.Name) == "" {
					// Lofty requires the name in every change: without it, the change cannot be sent.
					return &lofty.Error{Kind: lofty.KindBadResponse, Status: http.StatusOK,
						Message: "Lofty's answer lacks the transaction's name, which every change must send; give its name"}
				}
			}
			return in.lookup(ctx, c, in.LeadID, in.TransactionID, typ)
		},
		Ask: func(in SaveTransactionInput, leads LeadNames) string {
			if in.creates() {
				return "Create a " + in.Type + " transaction on this lead: " + strings.Join(in.changes(false), "; ") +
					"?\n\nLead: " + leads.One(in.LeadID)
			}
			changes := in.changes(true)
			if in.Type != "" {
				changes = append([]string{"type " + in.before.TransactionType + " → " + in.Type}, changes...)
			}
			return "Change this transaction: " + strings.Join(changes, "; ") + "?\n\nTransaction: " +
				quoteIf(in.before.TransactionName) + fmt.Sprintf(" (transaction %d)", in.TransactionID) +
				"\nLead: " + leads.One(in.LeadID)
		},
		Done: func(in SaveTransactionInput, out TransactionResult, leads LeadNames) string {
			if in.creates() {
				s := fmt.Sprintf("Created %s transaction %d on %s", in.Type, out.TransactionID, leads.One(in.LeadID))
				if out.Stage != "" {
					s += ", stage " + strconv.Quote(CleanLine(out.Stage, MaxNameLength))
				}
				return s + "."
			}
			changed := in.changed()
			if in.Type != "" {
				changed = append([]string{"type"}, changed...)
			}
			return fmt.Sprintf("Changed transaction %d of %s: %s.", in.TransactionID, leads.One(in.LeadID), strings.Join(changed, ", "))
		},
		Check: "list_transactions with the leadId (and the transactionId) shows it.",
	},
}

// fieldsChanged reports whether the update sets more than the address.
func (d DealChange) fieldsChanged() bool {
	return d.Name != "" || d.Stage != "" || d.Price != nil || d.CommissionRate != nil || d.ExpectedClose != "" ||
		len(d.Fields) > 0
}

// changed names what the change sets, for a summary without values.
func (d DealChange) changed() []string {
	var out []string
	for _, c := range []struct {
		set  bool
		what string
	}{{d.Name != "", "name"}, {d.Stage != "", "stage"}, {d.Price != nil, "price"}, {d.CommissionRate != nil, "commission"},
		{d.ExpectedClose != "", "expected close"}, {len(d.Fields) > 0, "custom fields"},
		{d.address != nil, "address"}} {
		if c.set {
			out = append(out, c.what)
		}
	}
	return out
}
