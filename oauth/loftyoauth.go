package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// defaultLoftyTokenTTL is assumed when Lofty's token answer has no expires_in.
const defaultLoftyTokenTTL = time.Hour

// loftyTokens is Lofty's token endpoint answer.
type loftyTokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
}

// loftyRefusedError: Lofty answered the token request with 400 or 401 —
// the code or refresh token is not (or no longer) good. It holds no secret.
type loftyRefusedError struct {
	Status  int
	Code    string // OAuth "error" or Lofty's "code"
	Message string
}

func (e *loftyRefusedError) Error() string {
	msg := fmt.Sprintf("Lofty refused the token request (HTTP %d", e.Status)
	if e.Code != "" {
		msg += ", " + e.Code
	}
	msg += ")"
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// loftyRedirectURI is the callback registered with the Lofty vendor app.
func (s *Server) loftyRedirectURI() string { return s.issuer + LoftyCallbackPath }

// loftyAuthorizeURL is Lofty's vendor authorization page for state.
func (s *Server) loftyAuthorizeURL(state string) string {
	u, _ := url.Parse(s.cfg.Lofty.AuthorizeURL)
	q := u.Query()
	q.Set("clientId", s.cfg.Lofty.ClientID)
	q.Set("response_type", "code")
	q.Set("redirect_uri", s.loftyRedirectURI())
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String()
}

// loftyToken posts form to Lofty's token endpoint with HTTP Basic client
// authentication. No secret of the request or answer reaches an error.
func (s *Server) loftyToken(ctx context.Context, fields map[string]string) (loftyTokens, error) {
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	secrets := []string{s.cfg.Lofty.ClientSecret, fields["code"], fields["refresh_token"]}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.Lofty.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return loftyTokens{}, err
	}
	req.SetBasicAuth(s.cfg.Lofty.ClientID, s.cfg.Lofty.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "lofty-mcp oauth")
	resp, err := s.loftyHTTP.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return loftyTokens{}, fmt.Errorf("the Lofty token endpoint did not answer: %s", redactAll(err.Error(), secrets))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return loftyTokens{}, errors.New("the Lofty token answer was cut short")
	}
	var raw map[string]any
	jsonErr := json.Unmarshal(body, &raw)
	if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
		e := &loftyRefusedError{Status: resp.StatusCode}
		if jsonErr == nil {
			e.Code = firstString(raw, "error", "code")
			e.Message = firstString(raw, "error_description", "message")
		}
		e.Code, e.Message = shorten(redactAll(e.Code, secrets)), shorten(redactAll(e.Message, secrets))
		return loftyTokens{}, e
	}
	if resp.StatusCode != http.StatusOK {
		return loftyTokens{}, fmt.Errorf("the Lofty token endpoint answered HTTP %d", resp.StatusCode)
	}
	if jsonErr != nil {
		return loftyTokens{}, errors.New("the Lofty token answer is not JSON")
	}
	t := loftyTokens{AccessToken: firstString(raw, "access_token"), RefreshToken: firstString(raw, "refresh_token"), ExpiresIn: defaultLoftyTokenTTL}
	if t.AccessToken == "" {
		return loftyTokens{}, errors.New("the Lofty token answer has no access_token")
	}
	switch v := raw["expires_in"].(type) {
	case float64:
		if v > 0 {
			t.ExpiresIn = time.Duration(v * float64(time.Second))
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			t.ExpiresIn = time.Duration(n) * time.Second
		}
	}
	return t, nil
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

func redactAll(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

func shorten(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
