package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Transactions: "what's closing this month?", a lead's deals, one deal in
// full, the pipelines; creating and changing a deal. Lofty states no
// currency: amounts are numbers with a currency field, USD, the currency
// of the US teams Lofty serves. Dates come from Lofty as instants (epoch
// milliseconds) and go out as RFC 3339 in the person's zone.

// Currency is the currency of every amount a tool returns.
const Currency = "USD"

// Bounds of the team's transaction search.
const (
	// transactionPageSize is the page asked of Lofty (its maximum).
	transactionPageSize = 100
	// maxTransactionPages is how many pages one call looks through.
	maxTransactionPages = 5
	// maxTransactionRows is how many transactions one answer lists.
	maxTransactionRows = 50
)

// ListTransactionsInput is what the model sends to list_transactions.
type ListTransactionsInput struct {
	LeadID        int64  `json:"leadId,omitempty" jsonschema:"minimum=1,description=Lead ID"`
	TransactionID int64  `json:"transactionId,omitempty" jsonschema:"minimum=1,description=In full (with leadId)"`
	Type          string `json:"type,omitempty" jsonschema:"enum=Purchase,enum=Listing,enum=Lease,enum=Other,description=Pipeline"`
	Stage         string `json:"stage,omitempty" jsonschema:"description=Stage"`
	Closing       string `json:"closing,omitempty" jsonschema:"description=this_week\\, this_month\\, next_month\\, last_month\\, YYYY-MM\\, FROM..TO"`
	Page          int64  `json:"page,omitempty" jsonschema:"description=A nextPage"`
}

// TransactionRow is one transaction. Lead is the lead's name (their own
// text, cleaned); times are RFC 3339 in the person's zone. The fields
// after Agent are given for one transaction asked for in full: Details
// holds its dates (by Lofty's names: "contract"), commission lines
// ("commission 1") and custom fields (by their names), in one map to keep
// the schema small.
type TransactionRow struct {
	TransactionID int64   `json:"transactionId"`
	LeadID        int64   `json:"leadId,omitempty"`
	Lead          string  `json:"lead,omitempty"`
	Name          string  `json:"name,omitempty"`
	Type          string  `json:"type,omitempty"`
	Stage         string  `json:"stage,omitempty"`
	Price         float64 `json:"price,omitempty"`
	Closes        string  `json:"closes,omitempty"`
	Agent         string  `json:"agent,omitempty"`

	Money   map[string]float64 `json:"money,omitempty"`
	Address string             `json:"address,omitempty"`
	Details map[string]string  `json:"details,omitempty"`
}

// TransactionList is list_transactions' answer.
type TransactionList struct {
	Currency     string           `json:"currency"`
	Transactions []TransactionRow `json:"transactions"`
	NextPage     *int64           `json:"nextPage,omitempty"`
	Note         string           `json:"note,omitempty"`
}

// closingForms are the forms of list_transactions' closing argument.
var closingForms = regexp.MustCompile(`^(this_week|this_month|next_month|last_month|\d{4}-\d{2}|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$`)

// closingWindow is the window closing names, in zone, around now: from
// (inclusive) to until (exclusive).
func closingWindow(closing string, now time.Time, zone *time.Location) (from, until time.Time, err error) {
	now = now.In(zone)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone)
	switch closing {
	case "this_week":
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zone)
		from = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // Monday
		return from, from.AddDate(0, 0, 7), nil
	case "this_month":
		return month, month.AddDate(0, 1, 0), nil
	case "next_month":
		return month.AddDate(0, 1, 0), month.AddDate(0, 2, 0), nil
	case "last_month":
		return month.AddDate(0, -1, 0), month, nil
	}
	if a, b, ok := strings.Cut(closing, ".."); ok {
		from, err1 := time.ParseInLocation(time.DateOnly, a, zone)
		last, err2 := time.ParseInLocation(time.DateOnly, b, zone)
		if err1 != nil || err2 != nil || last.Before(from) {
			return from, until, invalidArguments("\"closing\" %q is not two dates FROM..TO, TO not before FROM", closing)
		}
		return from, last.AddDate(0, 0, 1), nil
	}
	m, err := time.ParseInLocation("2006-01", closing, zone)
	if err != nil {
		return from, until, invalidArguments("\"closing\" %q is not a month YYYY-MM", closing)
	}
	return m, m.AddDate(0, 1, 0), nil
}

// invalidPrefix starts the sentence of arguments found wrong, as the
// schema's refusals start.
const invalidPrefix = "invalid arguments: "

// invalidArguments is a refusal of arguments found wrong once Lofty was
// read (a stage the pipeline lacks) or once the person's zone was known.
func invalidArguments(format string, args ...any) error {
	return refusal(invalidPrefix + fmt.Sprintf(format, args...))
}

// inZone is t (RFC 3339, as lofty.Time holds it) in zone; "" stays "".
func inZone(t lofty.Time, zone *time.Location) string {
	at := instant(t)
	if at.IsZero() {
		return string(t)
	}
	return at.In(zone).Format(time.RFC3339)
}

// closeDate is when a transaction closes: its close date once closed,
// else its expected close date.
func closeDate(t lofty.TransactionFields) lofty.Time {
	if t.CloseDate != "" {
		return t.CloseDate
	}
	return t.ExpectedCloseDate
}

// transactionFilter is list_transactions' filters that lofty-mcp applies.
type transactionFilter struct {
	stage       string
	from, until time.Time // zero: no window
}

func (f transactionFilter) matches(t lofty.TransactionFields) bool {
	if f.stage != "" && !strings.EqualFold(strings.TrimSpace(t.TransactionStatus), f.stage) {
		return false
	}
	if f.from.IsZero() {
		return true
	}
	if f.stage == "" && strings.EqualFold(t.TransactionStatus, "Cancelled") {
		return false // a cancelled deal closes in no window, unless asked for by its stage
	}
	at := instant(closeDate(t))
	return !at.IsZero() && !at.Before(f.from) && at.Before(f.until)
}

// newTransactionRow curates a transaction for a list.
func newTransactionRow(t lofty.TransactionFields, leadID int64, agent string, zone *time.Location) TransactionRow {
	return TransactionRow{TransactionID: t.TransactionID, LeadID: leadID, Lead: CleanLine(t.LeadName, MaxNameLength),
		Name: CleanLine(t.TransactionName, MaxSummaryLength), Type: t.TransactionType, Stage: t.TransactionStatus,
		Price: float64(t.HomePrice), Closes: inZone(closeDate(t), zone),
		Agent: CleanLine(agent, MaxNameLength)}
}

// ListTransactions answers "what's closing this month?", "what deals
// does Jane have?" and, given one, everything about a deal.
var ListTransactions = Spec[ListTransactionsInput, TransactionList]{
	Name:    "list_transactions",
	Title:   "List transactions",
	Toolset: ToolsetDeals,
	Upstream: []string{"GET /v2.0/transactions", "GET /v1.0/leads/{leadId}/transactions", "GET " + lofty.MePath,
		"GET /v1.0/leads/{leadId}/transaction/{transactionId}", "GET /v1.0/leads/{leadId}/transaction/{transactionId}/property/address",
		"GET /v1.0/transaction/customfields"},
	Example:     `{"closing": "this_month"}`,
	Description: "Transactions of the team or a lead (find_leads) by pipeline, stage, closing window; soonest closing first.",
	Check: func(in ListTransactionsInput) error {
		if in.Page < 0 {
			return fmt.Errorf("\"page\" is a nextPage, 0 or more")
		}
		if in.Closing != "" && !closingForms.MatchString(in.Closing) {
			return fmt.Errorf("\"closing\" must be this_week, this_month, next_month, last_month, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD, got %q", in.Closing)
		}
		if _, _, err := closingWindow(in.Closing, time.Now(), time.UTC); in.Closing != "" && err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), invalidPrefix))
		}
		if in.TransactionID != 0 && in.LeadID == 0 {
			return fmt.Errorf("\"transactionId\" needs the leadId of its lead")
		}
		if in.LeadID != 0 && in.Page != 0 {
			return fmt.Errorf("\"page\" pages the team's transactions; a lead's come in one page")
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in ListTransactionsInput) (TransactionList, error) {
		if in.TransactionID != 0 {
			return getTransaction(ctx, c, in.LeadID, in.TransactionID)
		}
		return listTransactions(ctx, c, in)
	},
	Subject: func(in ListTransactionsInput) string {
		if in.TransactionID != 0 {
			return fmt.Sprintf("transaction %d of lead %d", in.TransactionID, in.LeadID)
		}
		return transactionsSubject(in.LeadID)
	},
	NotFound: func(in ListTransactionsInput) string {
		if in.TransactionID != 0 {
			return fmt.Sprintf("Lead %d has no transaction %d that these credentials can see (or no such lead).", in.LeadID, in.TransactionID)
		}
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
}

func transactionsSubject(leadID int64) string {
	if leadID != 0 {
		return fmt.Sprintf("lead %d's transactions", leadID)
	}
	return "the team's transactions"
}

func listTransactions(ctx context.Context, c *lofty.Client, in ListTransactionsInput) (TransactionList, error) {
	zone := PersonZone(ctx, c)
	filter := transactionFilter{stage: strings.TrimSpace(in.Stage)}
	out := TransactionList{Currency: Currency, Transactions: []TransactionRow{}}
	if in.Closing != "" {
		var err error
		if filter.from, filter.until, err = closingWindow(in.Closing, clockNow(ctx), zone.Location); err != nil {
			return out, err
		}
	}
	if in.LeadID != 0 {
		// One request holds every transaction of the lead.
		all, err := c.LeadTransactions(ctx, in.LeadID)
		if err != nil {
			return out, err
		}
		for _, t := range all {
			if filter.matches(t.TransactionFields) && (in.Type == "" || t.TransactionType == in.Type) {
				out.Transactions = append(out.Transactions, newTransactionRow(t.TransactionFields, in.LeadID, "", zone.Location))
			}
		}
		sortByClosing(out.Transactions)
		return out, nil
	}
	return searchTeamTransactions(ctx, c, in, filter, zone.Location, out)
}

// searchTeamTransactions pages through the team's transactions from
// in.Page, keeping those filter matches: Lofty filters by type, lead and
// key only. It stops at maxTransactionRows matches, maxTransactionPages
// pages, the end, or a page it cannot have without waiting for the rate
// limit (the first page waits as any read does); the note says how far it
// looked and how to go on.
func searchTeamTransactions(ctx context.Context, c *lofty.Client, in ListTransactionsInput, filter transactionFilter,
	zone *time.Location, out TransactionList) (TransactionList, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.CallTimeout())
		defer cancel()
	}
	q := lofty.TransactionQuery{Type: in.Type, PageNum: int(in.Page), PageSize: transactionPageSize}
	scanned, pages := 0, 0
	var stopped error
	more := false
	for {
		pctx := ctx
		if pages > 0 {
			pctx = lofty.NoWait(ctx)
			lofty.ReportProgress(ctx, fmt.Sprintf("Looking through page %d of the team's transactions (%d looked at)", pages+1, scanned))
		}
		page, err := c.SearchTransactions(pctx, q)
		if err != nil {
			if pages == 0 {
				return out, err
			}
			stopped, more = err, true
			break
		}
		pages++
		for _, t := range page.PageData {
			if filter.matches(t.TransactionFields) {
				out.Transactions = append(out.Transactions, newTransactionRow(t.TransactionFields, t.LeadID, t.AgentName, zone))
			}
		}
		scanned += len(page.PageData)
		seen := int64(q.PageNum+1) * transactionPageSize
		more = len(page.PageData) > 0 && (page.TotalCount == nil && len(page.PageData) >= transactionPageSize ||
			page.TotalCount != nil && seen < *page.TotalCount)
		q.PageNum++
		if !more || len(out.Transactions) >= maxTransactionRows || pages >= maxTransactionPages || ctx.Err() != nil {
			break
		}
	}
	if more {
		next := int64(q.PageNum)
		out.NextPage = &next
	}
	sortByClosing(out.Transactions)
	out.Transactions, out.Note = capRows(out.Transactions, scanned, pages, more, stopped)
	return out, nil
}

// capRows keeps at most maxTransactionRows and says what the model must
// know beyond them.
func capRows(rows []TransactionRow, scanned, pages int, more bool, stopped error) ([]TransactionRow, string) {
	var parts []string
	if len(rows) > maxTransactionRows {
		parts = append(parts, fmt.Sprintf("%d matches; the %d soonest closing are listed.", len(rows), maxTransactionRows))
		rows = rows[:maxTransactionRows]
	}
	if more {
		parts = append(parts, fmt.Sprintf("Looked at %d transactions (%d %s); more remain: call again with the same filters and page=nextPage.",
			scanned, pages, plural(pages, "page", "pages")))
	}
	if stopped != nil {
		parts = append(parts, "Looking further stopped: "+ErrorText(stopped, "the team's transactions", ""))
	}
	return rows, strings.Join(parts, " ")
}

// sortByClosing orders rows by when they close (closed or expected),
// soonest first; rows without a date last.
func sortByClosing(rows []TransactionRow) {
	when := func(r TransactionRow) (time.Time, bool) {
		t, err := time.Parse(time.RFC3339, r.Closes)
		return t, err == nil
	}
	slices.SortStableFunc(rows, func(a, b TransactionRow) int {
		ta, oka := when(a)
		tb, okb := when(b)
		switch {
		case oka && okb:
			return ta.Compare(tb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
}

// transactionDates are the dates a transaction in full gives, by name.
func transactionDates(t lofty.TransactionFields) map[string]lofty.Time {
	return map[string]lofty.Time{"created": t.Created, "updated": t.Updated, "expectedClose": t.ExpectedCloseDate, "appointment": t.AppointmentDate,
		"agreementSigned": t.AgreementSignedDate, "offer": t.OfferDate, "contract": t.ContractDate,
		"appraisal": t.AppraisalDate, "inspection": t.HomeInspectionDate, "escrow": t.EscrowDate, "expiration": t.Expiration}
}

// getTransaction reads one transaction in full: the transaction, then its
// address and (when it has values) the custom fields' names, within the
// rate budget.
func getTransaction(ctx context.Context, c *lofty.Client, leadID, transactionID int64) (TransactionList, error) {
	t, err := c.Transaction(ctx, leadID, transactionID)
	if err != nil {
		return TransactionList{}, err
	}
	zone := PersonZone(ctx, c).Location
	row := newTransactionRow(t.TransactionFields, leadID, "", zone)
	for name, v := range map[string]lofty.PositiveFloat{"commissionRate": t.CommissionRate, "gci": t.GCI,
		"teamRevenue": t.TeamRevenue, "agentRevenue": t.AgentRevenue} {
		if v > 0 {
			if row.Money == nil {
				row.Money = map[string]float64{}
			}
			row.Money[name] = float64(v)
		}
	}
	row.Details = map[string]string{}
	for name, at := range transactionDates(t.TransactionFields) {
		if at != "" {
			row.Details[name] = inZone(at, zone)
		}
	}
	if cs, n := t.Commissions, 0; cs != nil {
		for _, part := range []struct {
			name  string
			lines []lofty.Commission
		}{{"pre-split", cs.PreSplit}, {"split", cs.Split}, {"post-split", cs.PostSplit}} {
			for _, l := range part.lines {
				row.Details["commission "+strconv.Itoa(n+1)] = commissionText(part.name, l)
				n++
			}
		}
	}
	var fields []lofty.TransactionField
	var addr lofty.PropertyAddress
	sources := []Source{{Name: "address", Fetch: func(ctx context.Context) error {
		a, err := c.PropertyAddress(ctx, leadID, transactionID)
		if lofty.KindOf(err) == lofty.KindNotFound {
			return nil // no address set
		}
		addr = a
		return err
	}}}
	if len(t.CustomFields) > 0 {
		sources = append(sources, Source{Name: "custom fields", Fetch: func(ctx context.Context) error {
			var err error
			fields, err = c.TransactionFields(ctx)
			return err
		}})
	}
	statuses := RunSources(ctx, c, sources)
	row.Address = addressText(addr)
	for name, v := range fieldValues(t.CustomFields, fields) {
		if _, taken := row.Details[name]; taken {
			name = "custom: " + name
		}
		row.Details[name] = v
	}
	if len(row.Details) == 0 {
		row.Details = nil
	}
	return TransactionList{Currency: Currency, Transactions: []TransactionRow{row}, Note: sourcesMissing(statuses)}, nil
}

// sourcesMissing says which parts of an answer are missing and that
// asking again gets them.
func sourcesMissing(statuses []SourceStatus) string {
	var missing []string
	for _, s := range statuses {
		if s.Status != SourceDone {
			missing = append(missing, s.Name+" ("+s.Status+": "+s.Reason+")")
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "Not included: " + strings.Join(missing, "; ") + ". Ask again once the rate limit allows."
}

// commissionText says one commission line: "split: AGENT John Doe 80%".
func commissionText(part string, l lofty.Commission) string {
	value := strconv.FormatInt(l.Value, 10) + "%"
	if l.CalculateType == "AMOUNT" {
		value = "$" + count(l.Value)
	}
	return strings.Join(strings.Fields(part+": "+l.PayType+" "+CleanLine(l.PayToName, MaxNameLength)+" "+value+" "+
		CleanLine(l.Desc, MaxNameLength)), " ")
}

// addressText is a property address on one line, or "".
func addressText(a lofty.PropertyAddress) string {
	street := strings.TrimSpace(a.StreetAddress)
	if u := strings.TrimSpace(a.Unit); u != "" && !strings.Contains(street, u) {
		street += " #" + u
	}
	return CleanLine(joinParts(street, a.City, a.State+" "+a.ZipCode), MaxSummaryLength)
}

// fieldValues names a transaction's custom field values, a select's
// values by their labels; a field the team no longer has keeps its id.
func fieldValues(values []lofty.TransactionFieldValue, fields []lofty.TransactionField) map[string]string {
	if len(values) == 0 {
		return nil
	}
	byID := map[int64]lofty.TransactionField{}
	for _, f := range fields {
		byID[f.ID] = f
	}
	out := map[string]string{}
	for _, v := range values {
		f, ok := byID[v.ID]
		name := "field " + strconv.FormatInt(v.ID, 10)
		if ok && strings.TrimSpace(f.Name) != "" {
			name = CleanLine(f.Name, MaxNameLength)
		}
		out[name] = CleanLine(optionLabels(v.Value, f), MaxSummaryLength)
	}
	return out
}

// fieldOptions reads a select field's options: value -> label.
func fieldOptions(f lofty.TransactionField) map[string]string {
	var opts []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	}
	if json.Unmarshal([]byte(f.Params), &opts) != nil {
		return nil
	}
	out := map[string]string{}
	for _, o := range opts {
		out[o.Value] = o.Label
	}
	return out
}

// optionLabels says a custom field's value: a multi-select's JSON list
// as "a, b", a select's values by their labels ("2" is "Austin Title").
func optionLabels(value string, f lofty.TransactionField) string {
	opts := fieldOptions(f)
	var items []string
	if json.Unmarshal([]byte(value), &items) != nil {
		items = []string{value}
	}
	for i, it := range items {
		if label, ok := opts[it]; ok {
			items[i] = label
		}
	}
	return strings.Join(items, ", ")
}
