package voicemail

import (
	"container/list"
	"context"
	"sync"

	"hookline"
	"hookline/audio"
)

// Voicemail fills v's duration, public media URL and G.711 audio for the
// audio id; it implements jobs.AudioSource. It decodes nothing: v.Audio
// transcodes on first use by a carrier that needs samples, once per audio
// and codec however many voicemails share them, and keeps the result in a
// bounded LRU cache. A missing audio fails the message permanently.
func (s *Service) Voicemail(ctx context.Context, audioID string, v *hookline.OutboundVoicemail) error {
	a, err := s.audioMeta(ctx, audioID)
	if err != nil {
		if hookline.ErrorCode(err) == hookline.ENotFound {
			return &hookline.CarrierError{Code: "audio_missing", Permanent: true, Err: err}
		}
		return &hookline.CarrierError{Code: "audio_store", Err: err}
	}
	v.AudioID = a.ID
	v.Duration = a.Duration
	v.AudioURL = s.MediaURL(a.ID)
	v.Audio = func(ctx context.Context, codec hookline.G711Codec) ([]byte, error) {
		return s.G711(ctx, a.ID, codec)
	}
	return nil
}

// audioMeta returns an audio's metadata, cached: audio never changes.
func (s *Service) audioMeta(ctx context.Context, id string) (*hookline.Audio, error) {
	if a, ok := s.meta.Load(id); ok {
		return a.(*hookline.Audio), nil
	}
	a, err := s.cfg.Store.FindAudioByID(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	s.meta.Store(id, a)
	return a, nil
}

// G711 returns the audio as 8 kHz G.711 in codec. Concurrent calls for one
// audio and codec share one decode; the result is cached. The returned
// bytes must not be modified.
func (s *Service) G711(ctx context.Context, audioID string, codec hookline.G711Codec) ([]byte, error) {
	key := g711Key{audioID, codec}
	return s.transcoded.get(ctx, key, func(ctx context.Context) ([]byte, error) {
		data, err := s.cfg.Store.AudioData(ctx, audioID)
		if err != nil {
			return nil, err
		}
		return audio.Transcode(data, codec)
	})
}

type g711Key struct {
	id    string
	codec hookline.G711Codec
}

// lru caches transcoded audio up to a byte budget, least recently used out
// first, with single-flight loading.
type lru struct {
	max int64

	mu       sync.Mutex
	items    map[g711Key]*list.Element // of *lruEntry
	order    list.List
	bytes    int64
	inflight map[g711Key]*flight[[]byte]
	loads    int // completed loads, for tests
}

type lruEntry struct {
	key  g711Key
	data []byte
}

func newLRU(max int64) *lru {
	return &lru{max: max, items: map[g711Key]*list.Element{}, inflight: map[g711Key]*flight[[]byte]{}}
}

func (c *lru) get(ctx context.Context, key g711Key, load func(context.Context) ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*lruEntry).data, nil
	}
	f, ok := c.inflight[key]
	if !ok {
		f = newFlight[[]byte]()
		c.inflight[key] = f
		go func() {
			data, err := load(context.WithoutCancel(ctx))
			c.mu.Lock()
			delete(c.inflight, key)
			c.loads++
			if err == nil {
				c.add(key, data)
			}
			c.mu.Unlock()
			f.finish(data, err)
		}()
	}
	c.mu.Unlock()
	return f.wait(ctx)
}

// add stores data and evicts over the budget; c.mu is held.
func (c *lru) add(key g711Key, data []byte) {
	if int64(len(data)) > c.max {
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, data: data})
	c.bytes += int64(len(data))
	for c.bytes > c.max {
		el := c.order.Back()
		e := el.Value.(*lruEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.bytes -= int64(len(e.data))
	}
}

// Transcodes reports how many transcodes have completed, for tests and
// metrics.
func (s *Service) Transcodes() int {
	s.transcoded.mu.Lock()
	defer s.transcoded.mu.Unlock()
	return s.transcoded.loads
}
