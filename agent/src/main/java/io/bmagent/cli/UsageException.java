package io.bmagent.cli;

/** A problem with what the operator asked for that is found while running, e.g. a malformed spec file: exit 1. */
final class UsageException extends RuntimeException {

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }

  UsageException(String message) {
    super(message);
  }
}
