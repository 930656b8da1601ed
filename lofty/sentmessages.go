package lofty

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/redis/go-redis/v9"
)

// Messages sent. A text or an email to a lead cannot be taken back, and a
// model that did not see an answer (or forgot it) may send the same again,
// so the client remembers, per credential and for a while, which messages
// were sent: a digest the caller makes of the message (a hash: never the
// text), what came of it and when. With Config.Shared the memory is in
// Redis, so that replicas behind one load balancer refuse each other's
// repeats; while Redis does not answer, each replica remembers alone.

// SentState is what is remembered of a message.
type SentState byte

// States of a remembered message.
const (
	// SentNothing: no such message is remembered.
	SentNothing SentState = 0
	// SentSending: a call is sending it now.
	SentSending SentState = 'p'
	// SentDone: Lofty accepted it.
	SentDone SentState = 's'
	// SentPossibly: its outcome is unknown (no answer came): it may have
	// been sent.
	SentPossibly SentState = '?'
)

// SentMessage is what is remembered of one message.
type SentMessage struct {
	State SentState
	At    time.Time // when its state was recorded
}

// maxSentMessages bounds the messages a replica remembers by itself.
const maxSentMessages = 10_000

// sentMemory is a replica's own memory of messages sent, by credential
// and digest. The zero value is ready to use.
type sentMemory struct {
	mu  sync.Mutex
	lru *simplelru.LRU[string, sentEntry]
}

type sentEntry struct {
	SentMessage
	until time.Time
}

func (m *sentMemory) get(key string, now time.Time) SentMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		return SentMessage{}
	}
	e, ok := m.lru.Get(key)
	if !ok || !now.Before(e.until) {
		return SentMessage{}
	}
	return e.SentMessage
}

// claim records state for key until now+window; unless again, only when
// nothing is remembered (it then returns what is).
func (m *sentMemory) claim(key string, state SentState, now time.Time, window time.Duration, again bool) (SentMessage, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru == nil {
		m.lru, _ = simplelru.NewLRU[string, sentEntry](maxSentMessages, nil)
	}
	if e, ok := m.lru.Get(key); ok && now.Before(e.until) && !again {
		return e.SentMessage, false
	}
	m.lru.Add(key, sentEntry{SentMessage{state, now}, now.Add(window)})
	return SentMessage{}, true
}

func (m *sentMemory) forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lru != nil {
		m.lru.Remove(key)
	}
}

// sentKey is the memory's key of a credential's message digest.
func sentKey(credKey, digest string) string { return credKey + ":" + digest }

// sentRedisKey is the Redis key of a message digest, under the
// credential's hash tag.
func (s *sharedState) sentRedisKey(credKey, digest string) string {
	return s.key(credKey, "sent:"+digest)
}

// encodeSent is a remembered message as Redis holds it: its state, then
// the time in Unix milliseconds.
func encodeSent(m SentMessage) string {
	return string(rune(m.State)) + strconv.FormatInt(m.At.UnixMilli(), 10)
}

func decodeSent(v string) SentMessage {
	if len(v) < 2 {
		return SentMessage{}
	}
	ms, err := strconv.ParseInt(v[1:], 10, 64)
	if err != nil {
		return SentMessage{}
	}
	return SentMessage{State: SentState(v[0]), At: time.UnixMilli(ms)}
}

// RecallMessage returns what the credential of ctx is remembered to have
// sent of the message digest (SentNothing: nothing, or its window passed).
func (c *Client) RecallMessage(ctx context.Context, digest string) SentMessage {
	credKey := c.CredentialKey(ctx)
	if credKey == "" {
		return SentMessage{}
	}
	if s := c.shared; s != nil {
		var v string
		if s.op(func(ctx context.Context) error {
			var err error
			v, err = s.Redis.Get(ctx, s.sentRedisKey(credKey, digest)).Result()
			if errors.Is(err, redis.Nil) {
				v, err = "", nil
			}
			return err
		}) {
			return decodeSent(v)
		}
	}
	return c.sent.get(sentKey(credKey, digest), time.Now())
}

// ClaimMessage records that the credential of ctx is sending the message
// digest now, remembered for window. Unless again (the person confirmed a
// repeat), a message already remembered is not claimed: ok is false and
// prior says what is remembered. Whoever claims a message settles it
// (SettleMessage) once its outcome is known.
func (c *Client) ClaimMessage(ctx context.Context, digest string, window time.Duration, again bool) (prior SentMessage, ok bool) {
	credKey := c.CredentialKey(ctx)
	if credKey == "" || window <= 0 {
		return SentMessage{}, true
	}
	now := time.Now()
	claim := SentMessage{SentSending, now}
	if s := c.shared; s != nil {
		var set bool
		var old string
		if s.op(func(ctx context.Context) error {
			key := s.sentRedisKey(credKey, digest)
			if again {
				set = true
				return s.Redis.Set(ctx, key, encodeSent(claim), window).Err()
			}
			var err error
			set, err = s.Redis.SetNX(ctx, key, encodeSent(claim), window).Result()
			if err == nil && !set {
				old, err = s.Redis.Get(ctx, key).Result()
				if errors.Is(err, redis.Nil) { // expired in between: it is ours to take
					old = ""
					set, err = s.Redis.SetNX(ctx, key, encodeSent(claim), window).Result()
				}
			}
			return err
		}) {
			return decodeSent(old), set
		}
	}
	return c.sent.claim(sentKey(credKey, digest), SentSending, now, window, again)
}

// SettleMessage records what came of a claimed message: SentDone,
// SentPossibly (remembered for window from now), or SentNothing (it was
// not sent: forgotten, so that it may be sent).
func (c *Client) SettleMessage(ctx context.Context, digest string, window time.Duration, state SentState) {
	credKey := c.CredentialKey(ctx)
	if credKey == "" || window <= 0 {
		return
	}
	now := time.Now()
	key := sentKey(credKey, digest)
	if state == SentNothing {
		c.sent.forget(key)
	} else {
		c.sent.claim(key, state, now, window, true)
	}
	s := c.shared
	if s == nil {
		return
	}
	s.op(func(ctx context.Context) error {
		rk := s.sentRedisKey(credKey, digest)
		if state == SentNothing {
			return s.Redis.Del(ctx, rk).Err()
		}
		return s.Redis.Set(ctx, rk, encodeSent(SentMessage{state, now}), window).Err()
	})
}
