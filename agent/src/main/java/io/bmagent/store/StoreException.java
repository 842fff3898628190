package io.bmagent.store;

/** The store could not read or commit; nothing of the failed transaction was kept. */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
