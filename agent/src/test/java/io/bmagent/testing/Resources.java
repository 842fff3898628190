package io.bmagent.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened, closed in reverse order when it ends, whatever happened: every resource is closed even when
 * one fails to, and the first failure is thrown with the later ones suppressed in it.
 */
public final class Resources implements AutoCloseable {

  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  public <T extends AutoCloseable> T add(T resource) {
    open.push(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
