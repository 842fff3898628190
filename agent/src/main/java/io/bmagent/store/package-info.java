/**
 * The durable desired state: SQLite in WAL mode with {@code synchronous=FULL}, so a committed change survives
 * {@code kill -9} and power loss. Resources are stored as their v1 API spec messages, which already have a stable,
 * versioned encoding; the overlay location table has a table of its own because it holds hundreds of thousands of rows.
 */
package io.bmagent.store;
