package io.bmagent.card.soft.vhost.sys;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening {@code AF_UNIX} stream socket. The vhost-user back-end is the server: the front-end (QEMU's
 * {@code -chardev socket,path=...}) connects to it.
 */
public final class UnixServer implements AutoCloseable {

  /** sizeof(struct sockaddr_un): sa_family_t then a 108-byte path. */
  private static final int SOCKADDR_UN = 110;
  private final int fd;
  private final Path path;
  private volatile boolean closed;

  public UnixServer(Path path) throws IOException {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length >= SOCKADDR_UN - 2) {
      throw new IOException("socket path too long: " + path);
    }
    Files.deleteIfExists(path);
    this.path = path;
    this.fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException(LibC.error("socket"));
    }
    Memory addr = new Memory(SOCKADDR_UN);
    addr.clear();
    addr.setShort(0, (short) LibC.AF_UNIX);
    addr.write(2, name, 0, name.length);
    if (LibC.bind(fd, addr, SOCKADDR_UN) != 0 || LibC.listen(fd, 1) != 0) {
      String why = LibC.error("bind/listen " + path);
      LibC.close(fd);
      throw new IOException(why);
    }
  }

  public Path path() {
    return path;
  }

  /** Blocks until a front-end connects; throws once {@link #close} was called. */
  public UnixConnection accept() throws IOException {
    while (true) {
      int c = LibC.accept4(fd, null, null, LibC.SOCK_CLOEXEC);
      if (c >= 0) {
        return new UnixConnection(c);
      }
      if (closed) {
        throw new IOException("server on " + path + " closed");
      }
      if (com.sun.jna.Native.getLastError() != LibC.EINTR) {
        throw new IOException(LibC.error("accept on " + path));
      }
    }
  }

  /** Wakes a blocked {@link #accept} (Linux's shutdown on a listening socket does) and removes the path. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    LibC.shutdown(fd, LibC.SHUT_RDWR);
    LibC.close(fd);
    Files.deleteIfExists(path);
  }
}
