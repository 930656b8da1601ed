package lofty_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
)

// TestTransactionsRoundTrip: a transaction created, changed and given an
// address reads back as written; the team's search asks for every type.
func TestTransactionsRoundTrip(t *testing.T) {
	f := fakelofty.New(nil)
	contract.Check(t, f)
	c := newClient(t, f.Start(t), lofty.Config{Credential: apiKey})
	ctx := context.Background()
	price := 612000.0
	created, err := c.CreateTransaction(ctx, leadID, lofty.TransactionChange{TransactionName: "1503 Kinney Ave",
		TransactionType: "Purchase", HomePrice: &price, ExpectedCloseDate: 1775000000000})
	if err != nil {
		t.Fatal(err)
	}
	if created.TransactionID == 0 || created.TransactionStatus != "Pre-contract" || created.ExpectedCloseDate == "" {
		t.Fatalf("created %+v", created)
	}
	updated, err := c.UpdateTransaction(ctx, leadID, created.TransactionID, lofty.TransactionChange{TransactionName: created.TransactionName, TransactionStatus: "Under Contract"})
	if err != nil || updated.TransactionStatus != "Under Contract" || updated.HomePrice != 612000 {
		t.Fatalf("updated %+v, %v", updated, err)
	}
	addr := lofty.PropertyAddress{TransactionID: created.TransactionID, StreetAddress: "1503 Kinney Ave", City: "Austin", State: "TX", ZipCode: "78704"}
	if err := c.SetPropertyAddress(ctx, leadID, addr); err != nil {
		t.Fatal(err)
	}
	if got, err := c.PropertyAddress(ctx, leadID, created.TransactionID); err != nil || got.StreetAddress != "1503 Kinney Ave" {
		t.Errorf("address %+v, %v", got, err)
	}
	page, err := c.SearchTransactions(ctx, lofty.TransactionQuery{})
	if err != nil || page.TotalCount == nil || *page.TotalCount != 4 {
		t.Errorf("search: %+v, %v; want the three seeded and the new one", page, err)
	}
	if r := f.Requests()[len(f.Requests())-1]; !strings.Contains(r.RawQuery, "transactionType=All") {
		t.Errorf("search query %q: want every type asked for", r.RawQuery)
	}
}

// TestPropertyAddressFailureCodes: Lofty answers a failed address update
// with HTTP 200 and a code; 200060 is not found, others not done.
func TestPropertyAddressFailureCodes(t *testing.T) {
	for _, c := range []struct {
		body string
		kind lofty.Kind
	}{
		{`{"code":200060,"message":"TRANSACTION_NOT_EXIST"}`, lofty.KindNotFound},
		{`{"code":20012,"message":"INVALID_PARAMETER"}`, lofty.KindNotDone},
		{`{"code":0,"message":"success"}`, lofty.KindUnknown},
	} {
		_, base := scriptedFake(t, reply(http.StatusOK, "application/json", c.body))
		err := newClient(t, base, lofty.Config{Credential: apiKey}).SetPropertyAddress(context.Background(), leadID,
			lofty.PropertyAddress{TransactionID: 10001})
		if c.kind == lofty.KindUnknown {
			if err != nil {
				t.Errorf("%s: %v, want success", c.body, err)
			}
			continue
		}
		if lofty.KindOf(err) != c.kind {
			t.Errorf("%s: %v, want %s", c.body, err, c.kind)
		}
	}
}
