package io.bmagent.store;

/** One resource row: its kind, id, generation and the encoded spec. */
public record StoredResource(String kind, String id, long generation, byte[] spec) {}
