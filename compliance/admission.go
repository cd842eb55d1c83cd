package compliance

import (
	"context"
	"time"

	"hookline"
)

// OptOutChecker is what the checks need of the suppression list.
type OptOutChecker interface {
	IsOptedOut(ctx context.Context, accountID int64, phone string) (bool, error)
}

// Admission is the webhook's policy (server.Admission). It refuses a phone
// on the account's suppression list and, outside the trigger's send window,
// returns the time the window opens so the message is held until then.
// Frequency caps are checked later, in the store's transaction, where the
// count and the insert cannot race.
type Admission struct {
	OptOuts OptOutChecker
	Now     hookline.Clock
}

// Admit implements server.Admission.
func (a *Admission) Admit(ctx context.Context, t *hookline.Trigger, phone string) (*time.Time, error) {
	if err := checkOptOut(ctx, a.OptOuts, t.AccountID, phone); err != nil {
		return nil, err
	}
	return holdUntil(t.SendWindow, now(a.Now), phone), nil
}

func checkOptOut(ctx context.Context, o OptOutChecker, accountID int64, phone string) error {
	out, err := o.IsOptedOut(ctx, accountID, phone)
	if err != nil {
		return err
	} else if out {
		return errOptedOut()
	}
	return nil
}

func errOptedOut() error {
	return hookline.Errorf(hookline.ERecipientOptedOut, "This phone opted out of this account's messages; it can opt back in by texting START.")
}

// holdUntil returns when the window next holds for the phone, or nil when it
// holds now or there is no window.
func holdUntil(w *hookline.SendWindow, now time.Time, phone string) *time.Time {
	if w == nil {
		return nil
	}
	at := w.NextSendTime(now, hookline.PhoneZones(phone))
	if !at.After(now) {
		return nil
	}
	at = at.UTC()
	return &at
}

func now(c hookline.Clock) time.Time {
	if c != nil {
		return c()
	}
	return time.Now()
}
