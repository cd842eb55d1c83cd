package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"hookline"
)

func testTriggers(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	b := mustAccount(t, s, "globex")
	sms := mustTrigger(t, s, a.ID)
	c.Add(time.Second)
	aud := mustAudio(t, s, a.ID, []byte("ID3 not really an mp3"))
	rvm := &hookline.Trigger{AccountID: a.ID, Kind: hookline.KindRVM, Name: "Drop", AudioID: aud.ID, From: "+15550001111", Enabled: false}
	must(t, s.CreateTrigger(ctx, rvm))
	if _, err := uuid.Parse(sms.ID); err != nil {
		t.Fatalf("trigger id %q is not a UUID", sms.ID)
	}

	tests := []struct {
		name    string
		account int64
		id      string
		want    *hookline.Trigger
	}{
		{"own", a.ID, sms.ID, sms},
		{"any account", 0, rvm.ID, rvm},
		{"other account", b.ID, sms.ID, nil},
		{"unknown", 0, uuid.NewString(), nil},
		{"not a uuid", 0, "x' OR 1=1 --", nil},
	}
	for _, tt := range tests {
		got, err := s.FindTriggerByID(ctx, tt.account, tt.id)
		if tt.want == nil {
			wantCode(t, err, hookline.ETriggerNotFound)
			continue
		}
		must(t, err)
		if *got != *tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}

	all, err := s.FindTriggers(ctx, hookline.TriggerFilter{AccountID: a.ID})
	must(t, err)
	if len(all) != 2 || all[0].ID != sms.ID || all[1].ID != rvm.ID || all[1].Enabled || !all[0].Enabled {
		t.Fatalf("FindTriggers = %+v", all)
	}
	only, err := s.FindTriggers(ctx, hookline.TriggerFilter{AccountID: a.ID, Kind: hookline.KindRVM})
	must(t, err)
	if len(only) != 1 || only[0].ID != rvm.ID {
		t.Fatalf("FindTriggers(rvm) = %+v", only)
	}
	none, err := s.FindTriggers(ctx, hookline.TriggerFilter{AccountID: b.ID})
	must(t, err)
	if none == nil || len(none) != 0 {
		t.Fatalf("other account's triggers = %#v, want empty non-nil", none)
	}
	wantCode(t, s.CreateTrigger(ctx, &hookline.Trigger{AccountID: a.ID, Kind: hookline.KindSMS, Name: "x"}), hookline.EInvalid)
}

func testTriggerUpdateDelete(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	a := mustAccount(t, s, "acme")
	b := mustAccount(t, s, "globex")
	tr := mustTrigger(t, s, a.ID)
	c.Add(1e9)
	off, body := false, "Bye {first}"
	got, err := s.UpdateTrigger(ctx, a.ID, tr.ID, hookline.TriggerUpdate{Enabled: &off, Body: &body})
	must(t, err)
	if got.Enabled || got.Body != body || got.Name != tr.Name || !got.UpdatedAt.Equal(c.Now()) {
		t.Fatalf("UpdateTrigger = %+v", got)
	}
	found, err := s.FindTriggerByID(ctx, 0, tr.ID)
	must(t, err)
	if *found != *got {
		t.Fatalf("after update found %+v, want %+v", found, got)
	}
	empty := ""
	_, err = s.UpdateTrigger(ctx, a.ID, tr.ID, hookline.TriggerUpdate{Body: &empty})
	wantCode(t, err, hookline.EInvalid)
	_, err = s.UpdateTrigger(ctx, b.ID, tr.ID, hookline.TriggerUpdate{Enabled: &off})
	wantCode(t, err, hookline.ETriggerNotFound)

	wantCode(t, s.DeleteTrigger(ctx, b.ID, tr.ID), hookline.ETriggerNotFound)
	must(t, s.DeleteTrigger(ctx, a.ID, tr.ID))
	wantCode(t, s.DeleteTrigger(ctx, a.ID, tr.ID), hookline.ETriggerNotFound)
	_, err = s.FindTriggerByID(ctx, 0, tr.ID)
	wantCode(t, err, hookline.ETriggerNotFound)
}
