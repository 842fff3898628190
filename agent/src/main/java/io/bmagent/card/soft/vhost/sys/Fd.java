package io.bmagent.card.soft.vhost.sys;

/** Closes file descriptors received from the front-end or created here. */
public final class Fd {

  private Fd() {}

  public static void close(int fd) {
    if (fd >= 0) {
      LibC.close(fd);
    }
  }
}
