/**
 * {@code bmctl}, the operator CLI: every RPC of the v1 API from a shell, over the agent's local Unix socket by default
 * or over TCP (mutual TLS, or plaintext for development), with tables for people, JSON for scripts, and exit codes
 * that tell a script which kind of refusal it got.
 */
package io.bmagent.cli;
