/**
 * systemd integration: the notify protocol ({@code READY=1}, {@code STATUS=}, {@code STOPPING=1}) over
 * {@code $NOTIFY_SOCKET}, and a watchdog that pings {@code WATCHDOG=1} only while the reconciler's thread and the gRPC
 * server both answer, so that systemd restarts an agent that hangs rather than one that crashes.
 */
package io.bmagent.daemon.systemd;
