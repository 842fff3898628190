package io.bmagent.cli;

import io.grpc.Status;

/** Exit codes a script can branch on; the same table is printed in {@code bmctl --help}. */
final class ExitCodes {

  static final int OK = 0;
  static final int USAGE = 1;
  static final int INVALID_ARGUMENT = 2;
  static final int FAILED_PRECONDITION = 3;
  static final int NOT_FOUND = 4;
  static final int ALREADY_EXISTS = 5;
  static final int ABORTED = 6;
  static final int OTHER = 7;

  static final String HELP = """
      %nExit codes:
        0  ok
        1  usage error (bad flags, unreadable or malformed spec file)
        2  INVALID_ARGUMENT: a field is wrong; the message names it
        3  FAILED_PRECONDITION: a product limit or a state that forbids it now; the message names it
        4  NOT_FOUND
        5  ALREADY_EXISTS (a different spec under the same id, or a reused request id)
        6  ABORTED: stale generation; read again and retry
        7  UNAVAILABLE or any other error (agent unreachable, card or store failure, rate limited)""";

  private ExitCodes() {}

  static int of(Status.Code code) {
    return switch (code) {
      case OK -> OK;
      case INVALID_ARGUMENT -> INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> FAILED_PRECONDITION;
      case NOT_FOUND -> NOT_FOUND;
      case ALREADY_EXISTS -> ALREADY_EXISTS;
      case ABORTED -> ABORTED;
      default -> OTHER;
    };
  }
}
