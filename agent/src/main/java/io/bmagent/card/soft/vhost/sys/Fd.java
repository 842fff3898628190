package io.bmagent.card.soft.vhost.sys;

/** Closes file descriptors received from the front-end or created here. */
public final class Fd {

  /** No file descriptor, as the front-end marks a ring's missing kick or call fd. */
  public static final int NONE = -1;

  private Fd() {}

  public static void close(int fd) {
    if (fd >= 0) {
      LibC.close(fd);
    }
  }
}
