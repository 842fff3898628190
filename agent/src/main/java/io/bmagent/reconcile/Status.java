package io.bmagent.reconcile;

/**
 * The observed status of one resource.
 *
 * @param phase the lifecycle phase, named as in the API without its prefix ("ATTACHED", "RUNNING")
 * @param observedGeneration the spec generation the card last converged to
 * @param ready whether the resource is as desired
 * @param reason UPPER_SNAKE_CASE reason of the Ready condition
 * @param sinceMs when Ready last changed
 */
public record Status(String phase, long observedGeneration, boolean ready, String reason, String message,
    long sinceMs, long failedAttempts) {}
