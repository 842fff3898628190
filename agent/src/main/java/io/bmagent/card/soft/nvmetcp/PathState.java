package io.bmagent.card.soft.nvmetcp;

/** State of the path from the initiator to the subsystem. */
public enum PathState {
    /** First association being set up. */
    CONNECTING,
    /** Association up; I/O flows. */
    CONNECTED,
    /** Association lost; I/O is held and re-issued once a new association is up. */
    RECONNECTING,
    /** The controller loss timeout expired; every held and new I/O fails. */
    FAILED,
    /** Closed by its owner. */
    CLOSED
}
