/**
 * The stream of state changes behind WatchEvents: a bounded in-memory log with resume points. A resume point names
 * the agent's run (its epoch) and a sequence number; one the log no longer holds is answered with a RESYNC event, as a
 * Kubernetes watch answers 410 Gone, so that clients re-read the state instead of missing changes.
 */
package io.bmagent.events;
