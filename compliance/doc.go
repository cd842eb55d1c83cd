// Package compliance keeps Hookline's messages within what recipients asked
// for and what the rules allow: the suppression list (opt-outs), keywords
// texted back (STOP, START, HELP), quiet hours and frequency caps. It checks
// at two points, because time passes between them: Admission at the webhook,
// before anything is queued, and Gate at send time, for messages that were
// queued before a STOP arrived or that are due outside their send window.
package compliance
