package server

import "net/http"

// Handler returns every route of the server.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /webhook/Custom/{id}", s.handleWebhook)
	mux.HandleFunc("POST /webhook/Custom/{id}", s.handleWebhook)

	api := http.NewServeMux()
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
	api.HandleFunc("/api/v1/", s.handleAPINotFound)
	mux.Handle("/api/v1/", s.requireKey(api))

	mux.HandleFunc("GET /healthz", s.handleHealth)
	return withRequestID(mux)
}
