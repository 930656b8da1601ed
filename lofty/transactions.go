package lofty

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Transactions: a lead's deals (Lead Transaction), the team's search over
// them and their pipelines (Transactions V2), and the transaction custom
// fields. Lofty sends every date of a transaction as epoch milliseconds
// (UTC); they read as Time.

// TransactionFields are the fields Lofty's LeadTransaction (V1) and
// TransactionV2Item (V2) share, with Lofty's names. Numbers Lofty leaves
// unset read as 0.
type TransactionFields struct {
	Created             Time                    `json:"created,omitempty"`
	Updated             Time                    `json:"updated,omitempty"`
	TransactionID       int64                   `json:"transactionId"`
	TransactionName     string                  `json:"transactionName,omitempty"`
	LeadName            string                  `json:"leadName,omitempty"`
	AssignedAgent       int64                   `json:"assignedAgent,omitempty"`
	TransactionType     string                  `json:"transactionType,omitempty"`
	TransactionStatus   string                  `json:"transactionStatus,omitempty"`
	HomePrice           PositiveFloat           `json:"homePrice,omitempty"`
	ExpectedCloseDate   Time                    `json:"expectedCloseDate,omitempty"`
	CloseDate           Time                    `json:"closeDate,omitempty"`
	CommissionRate      PositiveFloat           `json:"commissionRate,omitempty"`
	GCI                 PositiveFloat           `json:"gci,omitempty"`
	TeamRevenue         PositiveFloat           `json:"teamRevenue,omitempty"`
	AgentRevenue        PositiveFloat           `json:"agentRevenue,omitempty"`
	AppointmentDate     Time                    `json:"appointmentDate,omitempty"`
	AgreementSignedDate Time                    `json:"agreementSignedDate,omitempty"`
	OfferDate           Time                    `json:"offerDate,omitempty"`
	ContractDate        Time                    `json:"contractDate,omitempty"`
	AppraisalDate       Time                    `json:"appraisalDate,omitempty"`
	HomeInspectionDate  Time                    `json:"homeInspectionDate,omitempty"`
	EscrowDate          Time                    `json:"escrowDate,omitempty"`
	Expiration          Time                    `json:"expiration,omitempty"`
	CustomFields        []TransactionFieldValue `json:"customFields,omitempty"`
}

// Transaction is Lofty's LeadTransaction: a deal on a lead, as the lead's
// transaction operations (V1) give it.
type Transaction struct {
	TransactionFields
	Commissions *Commissions `json:"commissions,omitempty"`
}

// identified: a transaction is known by its transactionId.
func (t *Transaction) identified() bool { return t.TransactionID != 0 }

// TransactionSummary is Lofty's TransactionV2Item: a transaction as the
// team's search gives it, with its lead and agent.
type TransactionSummary struct {
	TransactionFields
	LeadID     int64  `json:"leadId,omitempty"`
	PropertyID int64  `json:"propertyId,omitempty"`
	AgentName  string `json:"agentName,omitempty"`
}

// TransactionFieldValue is Lofty's CustomFieldRequest: a custom field's
// value on a transaction (a multi-select's as a JSON array in a string).
type TransactionFieldValue struct {
	ID    int64  `json:"id"`
	Value string `json:"value,omitempty"`
}

// Commissions is Lofty's Commissions: who is paid what, before, in and
// after the split.
type Commissions struct {
	PreSplit  []Commission `json:"preSplit,omitempty"`
	Split     []Commission `json:"split,omitempty"`
	PostSplit []Commission `json:"postSplit,omitempty"`
}

// Commission is one of Lofty's Commission lines: a percentage or an
// amount paid to someone.
type Commission struct {
	PayType       string `json:"payType,omitempty"`
	PayTo         int64  `json:"payTo,omitempty"`
	PayToName     string `json:"payToName,omitempty"`
	Value         int64  `json:"value,omitempty"`
	CalculateType string `json:"calculateType,omitempty"` // PERCENT or AMOUNT
	Desc          string `json:"desc,omitempty"`
}

// TransactionChange is a LeadTransaction sent to create or update a
// transaction: only the fields set are sent, and Lofty changes only those.
// Dates are epoch milliseconds.
type TransactionChange struct {
	TransactionName   string                  `json:"transactionName,omitempty"`
	TransactionType   string                  `json:"transactionType,omitempty"`
	TransactionStatus string                  `json:"transactionStatus,omitempty"`
	HomePrice         *float64                `json:"homePrice,omitempty"`
	CommissionRate    *float64                `json:"commissionRate,omitempty"`
	ExpectedCloseDate int64                   `json:"expectedCloseDate,omitempty"`
	CloseDate         int64                   `json:"closeDate,omitempty"`
	CustomFields      []TransactionFieldValue `json:"customFields,omitempty"`
}

// PropertyAddress is Lofty's LeadTransactionPropertyAddress: where a
// transaction's property is.
type PropertyAddress struct {
	TransactionID int64  `json:"transactionId"`
	Unit          string `json:"unit,omitempty"`
	Label         string `json:"label,omitempty"`
	State         string `json:"state,omitempty"`
	City          string `json:"city,omitempty"`
	ZipCode       string `json:"zipCode,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	County        string `json:"county,omitempty"`
}

// Empty reports whether the address has no part set.
func (a PropertyAddress) Empty() bool {
	return strings.TrimSpace(a.Unit+a.State+a.City+a.ZipCode+a.StreetAddress+a.County) == ""
}

// callbackAnswer is Lofty's TransactionCallbackResponse: a business
// failure comes as HTTP 200 with a code other than 0.
type callbackAnswer struct {
	Code    *int32 `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// done turns a failure the answer reports into an error: 200060
// (TRANSACTION_NOT_EXIST) is not found, any other code not done.
func (a callbackAnswer) done(method, path string) error {
	if a.Code == nil || *a.Code == 0 {
		return nil
	}
	kind := KindNotDone
	if *a.Code == 200060 {
		kind = KindNotFound
	}
	return &Error{Kind: kind, Method: method, Status: http.StatusOK, Path: path,
		Code: strconv.Itoa(int(*a.Code)), Message: strings.TrimSpace(a.Message)}
}

// TransactionPage is Lofty's TransactionV2PageResponse: one page of the
// team's transactions; pages count from 0.
type TransactionPage struct {
	PageNum    int32                `json:"pageNum,omitempty"`
	PageSize   int32                `json:"pageSize,omitempty"`
	TotalCount *int64               `json:"totalCount,omitempty"`
	PageData   []TransactionSummary `json:"pageData"`
}

// TransactionQuery filters and pages SearchTransactions. Zero values are
// not sent, except Type: Lofty lists only purchases when it is left out,
// so "" asks for every type (All).
type TransactionQuery struct {
	Key      string // matched against name, address and lead name (first 15 characters)
	LeadID   int64
	Type     string // Purchase, Listing, Lease, Other; "": All
	PageNum  int    // from 0
	PageSize int    // 1-100; 0: Lofty's default (20)
}

func (q TransactionQuery) values() url.Values {
	v := url.Values{}
	typ := q.Type
	if typ == "" {
		typ = "All"
	}
	v.Set("transactionType", typ)
	if q.Key != "" {
		v.Set("queryKey", q.Key)
	}
	if q.LeadID != 0 {
		v.Set("leadId", strconv.FormatInt(q.LeadID, 10))
	}
	if q.PageNum != 0 {
		v.Set("pageNum", strconv.Itoa(q.PageNum))
	}
	if q.PageSize != 0 {
		v.Set("pageSize", strconv.Itoa(q.PageSize))
	}
	return v
}

// Pipeline is Lofty's PipelineV2Item: the stages, in order, of one
// transaction type.
type Pipeline struct {
	TransactionType string          `json:"transactionType"`
	Stages          []PipelineStage `json:"stages,omitempty"`
}

// PipelineStage is Lofty's PipelineStageV2Item.
type PipelineStage struct {
	ID      int64  `json:"id,omitempty"`
	Name    string `json:"name"`
	Default bool   `json:"default,omitempty"`
}

// pipelinesAnswer is Lofty's TransactionPipelinesV2Response.
type pipelinesAnswer struct {
	Pipelines []Pipeline `json:"pipelines"`
}

// TransactionField is Lofty's CustomFieldResponse: a transaction custom
// field the team defined. Params holds a select's options as JSON text
// ([{"label": …, "value": …}]).
type TransactionField struct {
	ID     int64  `json:"id"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type,omitempty"`
	Params string `json:"params,omitempty"`
}

var (
	leadTransactions     = get[[]Transaction]("/v1.0/leads/{leadId}/transactions")
	addTransaction       = post[TransactionChange, Transaction]("/v1.0/leads/{leadId}/transaction")
	getTransaction       = get[Transaction]("/v1.0/leads/{leadId}/transaction/{transactionId}")
	updateTransaction    = put[TransactionChange, Transaction]("/v1.0/leads/{leadId}/transaction/{transactionId}")
	getPropertyAddress   = get[PropertyAddress]("/v1.0/leads/{leadId}/transaction/{transactionId}/property/address")
	setPropertyAddress   = post[PropertyAddress, callbackAnswer]("/v1.0/leads/{leadId}/transaction/property/address")
	searchTransactions   = get[TransactionPage]("/v2.0/transactions")
	transactionPipelines = get[pipelinesAnswer]("/v2.0/transactions/pipelines")
	transactionFieldList = get[[]TransactionField]("/v1.0/transaction/customfields")
)

func pathIDs(values ...int64) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strconv.FormatInt(v, 10)
	}
	return out
}

// LeadTransactions returns every transaction of lead leadID
// (GET /v1.0/leads/{leadId}/transactions).
func (c *Client) LeadTransactions(ctx context.Context, leadID int64) ([]Transaction, error) {
	return leadTransactions.Call(ctx, c, Params{Path: pathIDs(leadID)}, NoBody{})
}

// Transaction returns transaction transactionID of lead leadID
// (GET /v1.0/leads/{leadId}/transaction/{transactionId}); one of another
// lead is not found.
func (c *Client) Transaction(ctx context.Context, leadID, transactionID int64) (Transaction, error) {
	return getTransaction.Call(ctx, c, Params{Path: pathIDs(leadID, transactionID)}, NoBody{})
}

// CreateTransaction creates a transaction on lead leadID
// (POST /v1.0/leads/{leadId}/transaction) and returns it as Lofty stored it.
func (c *Client) CreateTransaction(ctx context.Context, leadID int64, t TransactionChange) (Transaction, error) {
	return addTransaction.Call(ctx, c, Params{Path: pathIDs(leadID)}, t)
}

// UpdateTransaction changes the fields t sets of a lead's transaction
// (PUT /v1.0/leads/{leadId}/transaction/{transactionId}) and returns it
// merged. Lofty's schema requires transactionName in every request: send
// the current name when not renaming.
func (c *Client) UpdateTransaction(ctx context.Context, leadID, transactionID int64, t TransactionChange) (Transaction, error) {
	return updateTransaction.Call(ctx, c, Params{Path: pathIDs(leadID, transactionID)}, t)
}

// PropertyAddress returns the property address of a lead's transaction
// (GET …/transaction/{transactionId}/property/address); a transaction
// without one is not found.
func (c *Client) PropertyAddress(ctx context.Context, leadID, transactionID int64) (PropertyAddress, error) {
	return getPropertyAddress.Call(ctx, c, Params{Path: pathIDs(leadID, transactionID)}, NoBody{})
}

// SetPropertyAddress replaces the property address of a lead's transaction
// (POST /v1.0/leads/{leadId}/transaction/property/address, the transaction
// named in a): parts left empty are cleared.
func (c *Client) SetPropertyAddress(ctx context.Context, leadID int64, a PropertyAddress) error {
	ans, err := setPropertyAddress.Call(ctx, c, Params{Path: pathIDs(leadID)}, a)
	if err != nil {
		return err
	}
	return ans.done(http.MethodPost, fillPath(setPropertyAddress.Path, pathIDs(leadID)))
}

// SearchTransactions returns one page of the team's transactions matching
// q (GET /v2.0/transactions).
func (c *Client) SearchTransactions(ctx context.Context, q TransactionQuery) (TransactionPage, error) {
	return searchTransactions.Call(ctx, c, Params{Query: q.values()}, NoBody{})
}

// TransactionPipelines returns the team's pipeline of each transaction
// type (GET /v2.0/transactions/pipelines).
func (c *Client) TransactionPipelines(ctx context.Context) ([]Pipeline, error) {
	a, err := transactionPipelines.Call(ctx, c, Params{}, NoBody{})
	return a.Pipelines, err
}

// TransactionFields returns the team's transaction custom fields
// (GET /v1.0/transaction/customfields).
func (c *Client) TransactionFields(ctx context.Context) ([]TransactionField, error) {
	return transactionFieldList.Call(ctx, c, Params{}, NoBody{})
}
