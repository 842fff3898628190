package io.bmagent.card.soft.nvmetcp;

/** Told about every path state change, on the controller's event loop: do not block. */
@FunctionalInterface
public interface PathListener {
    void stateChanged(PathState state, Throwable cause);
}
