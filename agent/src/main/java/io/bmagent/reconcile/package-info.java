/**
 * The reconciler: level-based, it compares the desired state with what the card reports and makes the card match.
 * Work items are targets (a class of resources), never events; each pass over a target diffs every resource of it in
 * the four cases of match, drift, extraneous (on the card only: remove) and missing (desired only: install).
 * Retryable failures back off; failures that can never succeed become a terminal condition in the status.
 * The reconciler's thread is the card's only writer.
 */
package io.bmagent.reconcile;
