package smpp

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline"
	"hookline/carrier/smpp/smpptest"
)

// BenchmarkSubmit measures messages per second end to end against the node
// SMSC: submit_sm, submit_sm_resp, deliver_sm receipt, report. Many
// goroutines send at once, as delivery workers do.
func BenchmarkSubmit(b *testing.B) {
	for _, window := range []int{10, 50} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			peer := smpptest.Start(b)
			tc := MustStartClient(b, peer, func(c *Config) { c.Window = window })
			const senders = 128
			var next atomic.Int64
			var failed atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range senders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						m := &hookline.OutboundSMS{MessageID: fmt.Sprint(i), To: "+15005550600", Body: "benchmark message"}
						if err := sendRetrying(tc, m); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			reported := make(chan int)
			go func() {
				got := 0
				for got < b.N {
					select {
					case <-tc.reports:
						got++
					case <-time.After(10 * time.Second):
						reported <- got
						return
					}
				}
				reported <- got
			}()
			wg.Wait()
			if got := <-reported; got < b.N {
				b.Fatalf("%d of %d receipts reported", got, b.N)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			if failed.Load() > 0 {
				b.Fatalf("%d sends failed", failed.Load())
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msg/s")
		})
	}
}
