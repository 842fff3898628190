package io.bmagent.card.soft.vhost.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** libc by JNA direct mapping (no reflection per call). Constants are Linux's, identical on x86-64 and arm64. */
final class LibC {

  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SCM_RIGHTS = 1;
  static final int MSG_CMSG_CLOEXEC = 0x40000000;
  static final int SHUT_RDWR = 2;
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final int POLLIN = 1;
  static final int EFD_CLOEXEC = 0x80000;
  static final int EINTR = 4;
  static final int MFD_CLOEXEC = 1;
  static final int MSG_NOSIGNAL = 0x4000;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, Pointer addr, int len);

  static native int listen(int fd, int backlog);

  static native int accept4(int fd, Pointer addr, Pointer len, int flags);

  static native NativeLong recvmsg(int fd, Pointer msg, int flags);

  static native NativeLong sendmsg(int fd, Pointer msg, int flags);

  static native NativeLong read(int fd, Pointer buf, NativeLong count);

  static native NativeLong write(int fd, Pointer buf, NativeLong count);

  static native int shutdown(int fd, int how);

  static native int close(int fd);

  static native int poll(Pointer fds, NativeLong nfds, int timeout);

  static native int eventfd(int initval, int flags);

  static native int memfd_create(String name, int flags);

  static native int ftruncate(int fd, long length);

  static native Pointer mmap(Pointer addr, NativeLong length, int prot, int flags, int fd, NativeLong offset);

  static native int munmap(Pointer addr, NativeLong length);

  static String error(String call) {
    int errno = Native.getLastError();
    return call + " failed: errno " + errno;
  }
}
