package io.bmagent.daemon;

import java.net.BindException;
import java.nio.file.AccessDeniedException;

/**
 * A reason the agent cannot start that an operator can fix: one line saying what and how, and an exit status of
 * its own so that a supervisor or a script can tell them apart. The statuses are listed by {@code bm-agent --help}.
 */
public final class StartupFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What kind of thing is wrong; each has its exit status. */
  public enum Kind {
    /** Any other failure: a bug; the one line is followed by the stack trace. */
    UNEXPECTED(1),
    /** A flag is unknown or its value is malformed. */
    USAGE(2),
    /** The state directory cannot be created, written or read, or another agent holds it. */
    STATE(3),
    /** An address the agent listens on (API, Unix socket, metrics) is taken. */
    ADDRESS_IN_USE(4),
    /** The card driver cannot be opened (for the soft card: its underlay address is taken, or a host port fails). */
    CARD(5),
    /** The agent lacks a privilege it needs (TAP devices and network namespaces need root). */
    PRIVILEGES(6),
    /** A configuration file (the image policy) cannot be read or is malformed; the line says where. */
    CONFIG(7);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /** The exit statuses as {@code --help} shows them. */
  public static final String EXIT_CODES = "Exit status: 0 stopped cleanly, 1 unexpected failure, 2 bad flags,"
      + " 3 state directory unusable or in use, 4 listen address in use, 5 card cannot be opened,"
      + " 6 missing privileges, 7 configuration file unreadable or malformed.";

  private final Kind kind;

  public StartupFailure(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** A failure of the card driver, told apart by its cause; {@code fix} says which flag moves it. */
  public static StartupFailure card(String driver, RuntimeException e, String fix) {
    if (addressInUse(e)) {
      return new StartupFailure(Kind.CARD, e.getMessage() + " (another bm-agent or bm-agent lab on this"
          + " machine?): stop it, or " + fix, e);
    }
    if (causedBy(e, AccessDeniedException.class) || String.valueOf(e.getMessage()).contains("not permitted")) {
      return new StartupFailure(Kind.PRIVILEGES, "the " + driver + " card needs privileges this user lacks: "
          + e.getMessage() + "; run as root", e);
    }
    return new StartupFailure(Kind.CARD, "cannot open the " + driver + " card: " + e.getMessage(), e);
  }

  /** EADDRINUSE, as the JDK (BindException) or Netty's native transports (an errno -98 exception) report it. */
  static boolean addressInUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
