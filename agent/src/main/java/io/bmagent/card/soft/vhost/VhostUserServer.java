package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.vhost.sys.UnixConnection;
import io.bmagent.card.soft.vhost.sys.UnixServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves one {@link VhostUserDevice} on a Unix socket. The back-end listens and one front-end at a time
 * connects; when it goes (QEMU stopped or restarted) the rings stop, the memory is unmapped and the next
 * front-end may connect.
 */
public final class VhostUserServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(VhostUserServer.class.getName());
  private final UnixServer socket;
  private final VhostUserDevice device;
  private final Thread thread;
  private volatile UnixConnection current;
  private volatile boolean closed;

  public VhostUserServer(Path path, VhostUserDevice device) throws IOException {
    this.socket = new UnixServer(path);
    this.device = device;
    this.thread = new Thread(this::serve, "vhost-user-" + path.getFileName());
    thread.setDaemon(true);
    thread.start();
  }

  public Path path() {
    return socket.path();
  }

  private void serve() {
    while (!closed) {
      try (UnixConnection c = socket.accept()) {
        current = c;
        new Session(c, device).run();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "vhost-user front-end on " + socket.path() + " dropped: " + e.getMessage());
        }
      } finally {
        current = null;
      }
    }
  }

  /** Stops accepting, disconnects the front-end and waits until its rings have stopped. */
  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    UnixConnection c = current;
    if (c != null) {
      c.shutdown();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
