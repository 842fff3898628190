/**
 * The daemon: wires the store, the domain, the reconciler and the card into a running agent, and serves the API over
 * TCP and a local Unix domain socket.
 */
package io.bmagent.daemon;
