package io.bmagent.domain;

/** One bad field of a request: its path in the request message and what is wrong with it. */
public record FieldViolation(String field, String description) {}
