package server

import "net/http"

// Handler returns every route of the server.
func (s *Server) Handler() http.Handler {
	mux := s.newMux(true)
	mux.HandleFunc("GET /webhook/Custom/{id}", s.handleWebhook)
	mux.HandleFunc("POST /webhook/Custom/{id}", s.handleWebhook)

	api := s.newMux(false)
	api.HandleFunc("POST /api/v1/triggers", s.handleTriggerCreate)
	api.HandleFunc("GET /api/v1/triggers", s.handleTriggerList)
	api.HandleFunc("GET /api/v1/triggers/{id}", s.handleTriggerGet)
	api.HandleFunc("PATCH /api/v1/triggers/{id}", s.handleTriggerUpdate)
	api.HandleFunc("DELETE /api/v1/triggers/{id}", s.handleTriggerDelete)
	api.HandleFunc("GET /api/v1/messages", s.handleMessageList)
	api.HandleFunc("GET /api/v1/messages/{id}", s.handleMessageGet)
	api.HandleFunc("GET /api/v1/contacts", s.handleContactList)
	api.HandleFunc("GET /api/v1/contacts/{phone}", s.handleContactGet)
	api.HandleFunc("GET /api/v1/simulator/inbox", s.handleInbox)
	api.HandleFunc("POST /api/v1/simulator/failures", s.handleSimulatorFailure)
	api.HandleFunc("POST /api/v1/triggers/{id}/rotate", s.handleTriggerRotate)
	api.HandleFunc("GET /api/v1/keys", s.handleKeyList)
	api.HandleFunc("POST /api/v1/keys", s.handleKeyCreate)
	api.HandleFunc("DELETE /api/v1/keys/{id}", s.handleKeyRevoke)
	api.HandleFunc("POST /api/v1/signing-secret", s.handleSigningSecret)
	api.HandleFunc("GET /api/v1/opt-outs", s.handleOptOutList)
	api.HandleFunc("POST /api/v1/opt-outs", s.handleOptOutCreate)
	api.HandleFunc("DELETE /api/v1/opt-outs/{phone}", s.handleOptOutDelete)
	api.HandleFunc("GET /api/v1/inbound", s.handleInboundList)
	api.HandleFunc("POST /api/v1/simulator/reply", s.handleSimulatorReply)
	api.HandleFunc("GET /api/v1/settings/compliance", s.handleComplianceSettingsGet)
	api.HandleFunc("PATCH /api/v1/settings/compliance", s.handleComplianceSettingsUpdate)
	api.HandleFunc("POST /api/v1/audio", s.handleAudioUpload)
	api.HandleFunc("GET /api/v1/audio/{id}", s.handleAudioGet)
	api.HandleFunc("GET /api/v1/audio/{id}/file", s.handleAudioFile)
	api.HandleFunc("/api/v1/", s.handleAPINotFound)
	mux.Handle("/api/v1/", s.requireKey(api))

	mux.HandleFunc("GET /media/{id}/{file}", s.handleMedia)
	if s.Carriers != nil {
		mux.Handle("/carrier/", s.Carriers)
	}
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	if s.Dashboard != nil {
		mux.Handle("/", s.Dashboard)
	}
	return withRequestID(s.withAccessLog(s.withSecurity(mux)))
}
