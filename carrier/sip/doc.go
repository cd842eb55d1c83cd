// Package sip is a voicemail-deposit carrier that speaks SIP and RTP itself.
//
// For each voicemail the Client sends an INVITE with an SDP offer of PCMU
// and PCMA to a request-URI built from Config.URI, answers digest challenges,
// waits for the 200 OK, acknowledges it, streams the audio as RTP in 20 ms
// packets paced in real time, sends BYE and waits for its answer. Signalling
// uses github.com/emiago/sipgo (one user agent and transport shared by all
// calls); media uses github.com/pion/rtp with one UDP socket per call.
//
// Outcomes:
//   - the whole audio sent (the BYE answered, or the far end hanging up after
//     the last packet): SendResult{CarrierID: Call-ID, Status: delivered};
//   - a final non-2xx answer to the INVITE: a *hookline.CarrierError with
//     Code "sip_<status>" (see errorForStatus for which are permanent);
//   - no answer within Config.SetupTimeout: transient "sip_408" (after a
//     provisional answer the INVITE is canceled; an answer that still comes,
//     crossing the CANCEL or from a phone that never rang, is acknowledged
//     and hung up at once, as RFC 3261 9.1 and 13.2.2.4 ask: see stray.go);
//   - the far end hanging up before the audio ended: permanent undelivered
//     "sip_bye_early", because retrying would deposit a second, possibly
//     partial, voicemail;
//   - an answer whose SDP has no codec we offered: permanent failed
//     "sip_488" (the call is acknowledged and hung up at once).
package sip
