package lofty

import "context"

// Messages: a text or an email to a lead (Communication), a system text or
// email to the current user (Notifications V2), and an opportunity alert to
// a lead's agents (Opportunity). Each is a POST that Lofty acts on once per
// request and that cannot be taken back: the client sends it once and never
// retries it when it may have reached Lofty.

// Endpoints of the messages.
const (
	SendTextPath          = "/v1.0/message/sms/send"
	SendEmailPath         = "/v1.0/message/email/send"
	SystemTextToAgentPath = "/v2.0/sales-agent/message/sms/send-to-agent"
	SystemEmailToAgent    = "/v2.0/sales-agent/message/email/send-to-agent"
	OpportunityAlertPath  = "/v1.0/agent/send-notification"
)

// TextRequest is Lofty's SmsRequest: a text to lead LeadID, at the lead's
// number PhoneCode+PhoneNumber, or its primary number when both are empty.
type TextRequest struct {
	LeadID      int64  `json:"leadId"`
	Content     string `json:"content"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	PhoneCode   string `json:"phoneCode,omitempty"`
}

// TextSent is Lofty's SmsResponse: the message's id and where it went.
type TextSent struct {
	MessageID   string `json:"messageId,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	PhoneCode   string `json:"phoneCode,omitempty"`
}

// EmailRequest is Lofty's EmailSendRequest: an email to lead LeadID, at
// ToEmail when the lead has that address, else at its primary address.
type EmailRequest struct {
	LeadID  int64  `json:"leadId"`
	Subject string `json:"subject"`
	Content string `json:"content"`
	ToEmail string `json:"toEmail,omitempty"`
}

// EmailSent is Lofty's EmailSendResponse.
type EmailSent struct {
	MessageID string `json:"messageId,omitempty"`
	ToEmail   string `json:"toEmail,omitempty"`
	Subject   string `json:"subject,omitempty"`
}

// agentText is Lofty's SendSmsToAgentRequest.
type agentText struct {
	Content string `json:"content"`
}

// agentMessage is Lofty's MessageResponse, as the Notifications V2
// operations answer it.
type agentMessage struct {
	Message string `json:"message,omitempty"`
}

// agentEmail is Lofty's SendEmailToAgentRequest.
type agentEmail struct {
	Subject string `json:"subject"`
	Content string `json:"content"`
}

// OpportunityAlert is Lofty's OpportunityNotificationRequest: an alert to
// the agents of lead LeadID that the lead did something (NotificationType,
// one of Lofty's activity codes). Description and Link show together, or
// not at all; Message only for a left message (65).
type OpportunityAlert struct {
	LeadID           int64  `json:"leadId"`
	NotificationType int32  `json:"notificationType"`
	Description      string `json:"description,omitempty"`
	Link             string `json:"link,omitempty"`
	Message          string `json:"message,omitempty"`
}

// OpportunityAlertAnswer is Lofty's SendOpportunityNotificationResponse.
// Data is Lofty's rough hint that some agent got the alert; false also in
// cases where it did (a lead pond's broadcast), so it is no proof either way.
type OpportunityAlertAnswer struct {
	Status *struct {
		Code *int32 `json:"code,omitempty"`
		Msg  string `json:"msg,omitempty"`
	} `json:"status,omitempty"`
	Data *bool `json:"data,omitempty"`
}

var (
	textSend          = post[TextRequest, TextSent](SendTextPath)
	emailSend         = post[EmailRequest, EmailSent](SendEmailPath)
	systemTextToAgent = post[agentText, agentMessage](SystemTextToAgentPath)
	systemEmailToMe   = post[agentEmail, agentMessage](SystemEmailToAgent)
	opportunityAlert  = post[OpportunityAlert, OpportunityAlertAnswer](OpportunityAlertPath)
)

// SendText texts a lead from the caller's virtual number
// (POST /v1.0/message/sms/send).
func (c *Client) SendText(ctx context.Context, r TextRequest) (TextSent, error) {
	return textSend.Call(ctx, c, Params{}, r)
}

// SendEmail emails a lead from the caller's outgoing email
// (POST /v1.0/message/email/send).
func (c *Client) SendEmail(ctx context.Context, r EmailRequest) (EmailSent, error) {
	return emailSend.Call(ctx, c, Params{}, r)
}

// SendSystemTextToMe texts content to the current user's own phone from
// Lofty's system number (POST /v2.0/sales-agent/message/sms/send-to-agent).
func (c *Client) SendSystemTextToMe(ctx context.Context, content string) (Message, error) {
	m, err := systemTextToAgent.Call(ctx, c, Params{}, agentText{content})
	return Message{Message: m.Message}, err
}

// SendSystemEmailToMe emails the current user's own address
// (POST /v2.0/sales-agent/message/email/send-to-agent).
func (c *Client) SendSystemEmailToMe(ctx context.Context, subject, content string) (Message, error) {
	m, err := systemEmailToMe.Call(ctx, c, Params{}, agentEmail{subject, content})
	return Message{Message: m.Message}, err
}

// SendOpportunityAlert alerts the agents of a lead of the caller's team
// (POST /v1.0/agent/send-notification). Lofty does not deduplicate it:
// each call delivers again.
func (c *Client) SendOpportunityAlert(ctx context.Context, a OpportunityAlert) (OpportunityAlertAnswer, error) {
	return opportunityAlert.Call(ctx, c, Params{}, a)
}
