/**
 * Who may call the agent and how much: mutual TLS (with an optional public-key pin) on the control-plane TCP
 * listener, a peer-uid check on the local Unix socket, and per-peer rate limits with bounded call handling so one
 * misbehaving client cannot starve the others.
 */
package io.bmagent.daemon.security;
