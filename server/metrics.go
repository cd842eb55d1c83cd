package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hookline"
)

// QueueStats describes the job queue at one moment.
type QueueStats struct {
	// Jobs counts jobs by state: available, scheduled and retryable.
	Jobs map[string]int64
	// OldestAvailable is the age of the oldest job waiting for a worker.
	OldestAvailable time.Duration
}

// MetricsSource is what the scrape-time collectors read.
type MetricsSource interface {
	CountMessagesByStatus(ctx context.Context) (map[hookline.MessageStatus]int64, error)
	QueueStats(ctx context.Context) (*QueueStats, error)
}

// Metrics holds Hookline's Prometheus metrics. Counters are updated as
// things happen; message and queue gauges are read from the database at
// each scrape.
type Metrics struct {
	Registry         *prometheus.Registry
	webhookRequests  *prometheus.CounterVec
	sendLatency      *prometheus.HistogramVec
	callbackAttempts *prometheus.CounterVec
}

// NewMetrics registers the metrics; src may be nil (no database gauges).
func NewMetrics(src MetricsSource) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		webhookRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookline_webhook_requests_total", Help: "Webhook calls answered, by HTTP status code.",
		}, []string{"code"}),
		sendLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hookline_carrier_send_seconds", Help: "Time a carrier took to take one message.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14),
		}, []string{"carrier", "result"}),
		callbackAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookline_callback_attempts_total", Help: "Status callback deliveries tried, by result.",
		}, []string{"result"}),
	}
	m.Registry.MustRegister(m.webhookRequests, m.sendLatency, m.callbackAttempts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src != nil {
		m.Registry.MustRegister(&dbCollector{src: src})
	}
	return m
}

// ObserveSend records one carrier send; it fits jobs.DeliverWorker.Observe.
func (m *Metrics) ObserveSend(carrier string, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.sendLatency.WithLabelValues(carrier, result).Observe(d.Seconds())
}

// ObserveCallback counts one callback attempt; it fits
// jobs.CallbackWorker.Observe.
func (m *Metrics) ObserveCallback(result string) {
	m.callbackAttempts.WithLabelValues(result).Inc()
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

var (
	messagesDesc = prometheus.NewDesc("hookline_messages", "Messages stored, by status.", []string{"status"}, nil)
	queueDesc    = prometheus.NewDesc("hookline_queue_jobs", "Jobs in the queue, by state.", []string{"state"}, nil)
	queueAgeDesc = prometheus.NewDesc("hookline_queue_oldest_available_seconds", "Age of the oldest job waiting for a worker.", nil, nil)
)

// dbCollector reads message and queue gauges at scrape time.
type dbCollector struct{ src MetricsSource }

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- messagesDesc
	ch <- queueDesc
	ch <- queueAgeDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if counts, err := c.src.CountMessagesByStatus(ctx); err == nil {
		for s, n := range counts {
			ch <- prometheus.MustNewConstMetric(messagesDesc, prometheus.GaugeValue, float64(n), string(s))
		}
	} else {
		ch <- prometheus.NewInvalidMetric(messagesDesc, err)
	}
	q, err := c.src.QueueStats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
		return
	}
	for _, state := range []string{"available", "scheduled", "retryable"} {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(q.Jobs[state]), state)
	}
	ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, q.OldestAvailable.Seconds())
}

// handleReady answers 200 when the database and the queue answer.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := s.Ready(ctx); err != nil {
			s.logger().Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if s.Metrics == nil {
		http.NotFound(w, r)
		return
	}
	s.Metrics.Handler().ServeHTTP(w, r)
}
