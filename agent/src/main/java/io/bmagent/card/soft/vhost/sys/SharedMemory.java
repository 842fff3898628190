package io.bmagent.card.soft.vhost.sys;

import java.io.IOException;

/** Anonymous shared memory to hand to the front-end: a memfd, zero-filled, that outlives this process in its peer. */
public final class SharedMemory {

  private SharedMemory() {}

  /** Returns the file descriptor of a new zero-filled memfd of {@code size} bytes; the caller closes it. */
  public static int create(String name, long size) throws IOException {
    int fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
    if (fd < 0) {
      throw new IOException(LibC.error("memfd_create"));
    }
    if (LibC.ftruncate(fd, size) != 0) {
      String why = LibC.error("ftruncate of " + size + " bytes");
      LibC.close(fd);
      throw new IOException(why);
    }
    return fd;
  }
}
