package io.bmagent.card;

/** What the card reports about the host's port. */
public record PortState(PortConfig config, PortStats stats) {}
