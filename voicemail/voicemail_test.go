package voicemail_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline"
	"hookline/audio"
	"hookline/internal/pgtest"
	"hookline/sqlstore"
	"hookline/voicemail"
)

// openStore opens a migrated store: SQLite, or a fresh PostgreSQL database
// when a test cluster is configured (scripts/test.sh), so the audio SQL
// runs on both dialects.
func openStore(t *testing.T) *sqlstore.DB {
	t.Helper()
	cfg := sqlstore.Config{DataDir: t.TempDir()}
	if pgtest.Available() {
		cfg.DatabaseURL = pgtest.URL(t)
	}
	db, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Start()
	return db
}

func fixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../audio/testdata/tone-1500ms-44k-stereo.mp3")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVoicemailTranscodesOnce delivers many voicemails of one audio at once
// and sees one decode per codec, with 8 kHz samples of the right length.
func TestVoicemailTranscodesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openStore(t)
	acc, err := db.FindOrCreateAccount(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	svc := voicemail.New(voicemail.Config{Store: db, MediaSecret: []byte("secret")})
	svc.SetMediaBase("https://hooks.example.com/")
	a, err := svc.Upload(ctx, acc.ID, fixture(t))
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := &hookline.OutboundVoicemail{}
			if err := svc.Voicemail(ctx, a.ID, v); err != nil {
				errs <- err
				return
			}
			g, err := v.Audio(ctx, hookline.PCMU)
			if err != nil {
				errs <- err
				return
			}
			if want := int(v.Duration * audio.TelephonyRate / time.Second); abs(len(g)-want) > audio.TelephonyRate/10 {
				t.Errorf("%d samples for %s, want about %d", len(g), v.Duration, want)
			}
			if v.AudioURL == "" || v.AudioID != a.ID {
				t.Errorf("voicemail = %+v", v)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := svc.Transcodes(); n != 1 {
		t.Fatalf("%d transcodes for 40 voicemails, want 1", n)
	}
	if _, err := svc.G711(ctx, a.ID, hookline.PCMA); err != nil || svc.Transcodes() != 2 {
		t.Fatalf("A-law: %v, %d transcodes, want 2", err, svc.Transcodes())
	}

	v := &hookline.OutboundVoicemail{}
	err = svc.Voicemail(ctx, "00000000-0000-4000-8000-000000000000", v)
	if !hookline.IsPermanent(err) {
		t.Fatalf("missing audio: %v, want a permanent carrier error", err)
	}
}

// TestResolveAudioSharesFetch resolves one URL many times at once and then
// again, for two accounts: one download, one row per account.
func TestResolveAudioSharesFetch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openStore(t)
	data := fixture(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		time.Sleep(50 * time.Millisecond) // let the callers overlap
		w.Write(data)
	}))
	defer srv.Close()
	fetcher := audio.NewFetcher(audio.Config{Client: audio.ClientOptions{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}})
	svc := voicemail.New(voicemail.Config{Store: db, Fetcher: fetcher})
	a1, _ := db.FindOrCreateAccount(ctx, "one")
	a2, _ := db.FindOrCreateAccount(ctx, "two")

	ids := make([]string, 30)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := svc.ResolveAudio(ctx, &hookline.Trigger{AccountID: a1.ID, Kind: hookline.KindRVM}, srv.URL+"/a.mp3")
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("ids = %v, want one id", ids)
		}
	}
	other, err := svc.ResolveAudio(ctx, &hookline.Trigger{AccountID: a2.ID, Kind: hookline.KindRVM}, srv.URL+"/a.mp3")
	if err != nil || other == ids[0] {
		t.Fatalf("second account: %q, %v; want its own audio", other, err)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d downloads, want 1", n)
	}
	if _, err := db.FindAudioByID(ctx, a2.ID, ids[0]); hookline.ErrorCode(err) != hookline.ENotFound {
		t.Fatalf("account two sees account one's audio: %v", err)
	}

	_, err = svc.ResolveAudio(ctx, &hookline.Trigger{AccountID: a1.ID, Kind: hookline.KindRVM}, "")
	if hookline.ErrorCode(err) != hookline.EAudioRequired {
		t.Fatalf("no audio: %v, want audio_required", err)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
