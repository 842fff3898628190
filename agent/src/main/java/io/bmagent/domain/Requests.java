package io.bmagent.domain;

import io.bmagent.store.Transaction;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Client request ids, remembered in the same transaction as the change they made, so that a retry after a lost
 * reply is answered without acting twice. Ids are kept for a day.
 */
final class Requests {

  private static final long RETENTION_MS = 86_400_000;

  private final Clock clock;

  Requests(Clock clock) {
    this.clock = clock;
  }

  /**
   * Whether the request was done already. Records it otherwise; the caller's transaction commits the record with
   * the change. A reused id with a different request is refused.
   */
  boolean seen(Transaction tx, String requestId, String fingerprint) throws SQLException {
    if (requestId.isEmpty()) {
      return false;
    }
    if (requestId.length() > 128) {
      throw DomainException.invalid("request_id", "at most 128 characters");
    }
    long now = clock.millis();
    tx.expireRequests(now - RETENTION_MS);
    Optional<String> earlier = tx.claimRequest(requestId, fingerprint, now);
    if (earlier.isPresent() && !earlier.get().equals(fingerprint)) {
      throw DomainException.alreadyExists(Reason.REQUEST_ID_REUSED,
          "request id " + requestId + " was used for a different request", "request_id", requestId);
    }
    return earlier.isPresent();
  }
}
