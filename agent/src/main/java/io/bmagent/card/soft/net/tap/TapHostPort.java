package io.bmagent.card.soft.net.tap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import io.bmagent.card.soft.net.BusyIdle;
import io.bmagent.card.soft.net.FrameSink;
import io.bmagent.card.soft.net.HostPort;
import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.ReceiveQueue;
import io.bmagent.card.soft.net.SoftPipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A host port backed by a TAP device ({@code IFF_TAP | IFF_NO_PI | IFF_VNET_HDR}): the host's frames are read by a
 * dedicated thread and handed to the pipeline; frames for the host are written to the device. Reads and writes are
 * JNA calls (direct mapping) on native buffers owned by the port: one native call and one copy per frame each way, no
 * allocation. The device offers the host checksum and TCP segmentation offload ({@link VnetHeader}), so that a bulk
 * sender hands over 64 KiB per read, which the card cuts into segments itself, rather than a read per segment. With
 * {@link NetPoll#BUSY} the reader never sleeps in {@code poll}: it spins on non-blocking reads ({@link BusyIdle}), so a
 * frame is read as soon as the host writes it instead of after the reader's wake-up. The reader also serves the
 * underlay's socket ({@link ReceiveQueue}): it waits for both in one {@code poll} (or spins on both) and, after each
 * frame from the host, takes what the underlay has queued, so one thread carries both directions and a reply is
 * handled without a wake-up.
 */
public final class TapHostPort implements HostPort {

  private static final int MAX_FRAME = 65_535 + 18;
  /** How long the reader waits in poll before looking whether the port was closed. */
  private static final int POLL_MILLIS = 100;

  private final String name;
  private final NetPoll poll;
  private final int fd;
  private final Memory readBuffer = new Memory(VnetHeader.LENGTH + MAX_FRAME);
  private final Memory writeBuffer = new Memory(VnetHeader.LENGTH + MAX_FRAME);
  /** struct pollfd for the device and the served queue. */
  private final Memory pollFds = new Memory(16);
  private final Coalescer coalescer = new Coalescer(MAX_FRAME);
  /** Made once: a method reference capturing this is a new object at every use the JIT does not optimize away. */
  private final Coalescer.Writer writer = this::write;
  private volatile boolean closed;
  private Thread reader;

  /** Creates the TAP device {@code name}, its reader sleeping while the device is empty; needs CAP_NET_ADMIN. */
  public TapHostPort(String name) {
    this(name, NetPoll.SLEEP);
  }

  /** Creates the TAP device {@code name}, its reader waiting for frames as {@code poll} says; needs CAP_NET_ADMIN. */
  public TapHostPort(String name, NetPoll poll) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length == 0 || n.length > 15) {
      throw new IllegalArgumentException("interface names are 1 to 15 characters: " + name);
    }
    this.name = name;
    this.poll = poll;
    int f = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK);
    if (f < 0) {
      throw new IllegalStateException("open /dev/net/tun: errno " + Native.getLastError());
    }
    Memory ifreq = new Memory(40);
    ifreq.clear();
    ifreq.write(0, n, 0, n.length);
    ifreq.setShort(16, (short) (LibC.IFF_TAP | LibC.IFF_NO_PI | LibC.IFF_VNET_HDR));
    if (LibC.ioctl(f, new NativeLong(LibC.TUNSETIFF), ifreq) < 0) {
      int errno = Native.getLastError();
      LibC.close(f);
      throw new IllegalStateException("TUNSETIFF " + name + ": errno " + errno);
    }
    if (LibC.ioctl(f, new NativeLong(LibC.TUNSETOFFLOAD), new NativeLong(LibC.TUN_F_CSUM | LibC.TUN_F_TSO4)) < 0) {
      int errno = Native.getLastError();
      LibC.close(f);
      throw new IllegalStateException("TUNSETOFFLOAD " + name + ": errno " + errno);
    }
    // Frames to the host carry a header of zeros: no offload, checksums complete.
    writeBuffer.clear(VnetHeader.LENGTH);
    this.fd = f;
    pollFds.clear();
    pollFds.setInt(0, fd);
    pollFds.setShort(4, (short) LibC.POLLIN);
  }

  public String name() {
    return name;
  }

  /**
   * Moves the device into a network namespace, the host's "machine". The file descriptor stays valid: the card
   * keeps its end while the host's end lives in the namespace.
   */
  public void moveTo(String netns) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ip", "link", "set", name, "netns", netns).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ip link set " + name + " netns " + netns + ": " + out.strip());
    }
  }

  @Override
  public void start(FrameSink receiver) {
    start(receiver, null);
  }

  @Override
  public boolean servesQueue() {
    return true;
  }

  @Override
  public synchronized void start(FrameSink receiver, ReceiveQueue queue) {
    if (reader != null) {
      throw new IllegalStateException("already started");
    }
    if (queue != null) {
      pollFds.setInt(8, queue.fd());
      pollFds.setShort(12, (short) LibC.POLLIN);
    }
    reader = new Thread(() -> readLoop(receiver, queue), "tap-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop(FrameSink receiver, ReceiveQueue queue) {
    Reader r = new Reader(receiver, queue);
    while (!closed) {
      r.pass();
    }
  }

  /**
   * The reader's loop body, a method of its own so that the JIT compiles it from its calls: a loop that never
   * returns waits for on-stack replacement, which a sleeping port's loop took minutes of traffic to reach, and until
   * then every ping went through the interpreter.
   */
  private final class Reader {
    private final byte[] frame = new byte[SoftPipeline.HEADROOM + MAX_FRAME];
    private final VnetHeader vnet = new VnetHeader(MAX_FRAME, SoftPipeline.HEADROOM);
    private final BusyIdle idle = new BusyIdle();
    private final boolean busy = poll == NetPoll.BUSY;
    private final FrameSink receiver;
    private final ReceiveQueue queue;
    private final int polled;

    Reader(FrameSink receiver, ReceiveQueue queue) {
      this.receiver = receiver;
      this.queue = queue;
      this.polled = queue == null ? 1 : 2;
    }

    /**
     * Reads a frame from the host, non-blocking, then drains the queue: what a frame's sendto made the peer answer
     * is usually there already. Only when both were empty does it wait (poll, or spin with {@link NetPoll#BUSY}), so
     * a busy port costs one native call per frame.
     */
    void pass() {
      int n = (int) LibC.read(fd, readBuffer, VnetHeader.LENGTH + MAX_FRAME) - VnetHeader.LENGTH;
      boolean worked = n > 0;
      if (worked) {
        // The header with the frame in one copy, into the headroom, which the pipeline overwrites only after.
        readBuffer.read(0, frame, SoftPipeline.HEADROOM - VnetHeader.LENGTH, VnetHeader.LENGTH + n);
        // A frame that cannot be made whole is lost, as a NIC drops what it cannot offload.
        vnet.deliver(frame, SoftPipeline.HEADROOM, n, receiver);
      }
      if (queue != null && queue.drain() || worked) {
        idle.reset();
      } else if (busy) {
        idle.idle();
      } else {
        // revents is the kernel's to write; nothing reads it, the next pass reads both anyway.
        LibC.poll(pollFds, polled, POLL_MILLIS);
      }
    }
  }

  /** Writes a frame to the host; frames from the host and underlay threads are serialized on the buffer. */
  @Override
  public void send(byte[] frame, int offset, int length) {
    synchronized (writeBuffer) {
      if (closed) {
        return;
      }
      coalescer.flush(writer);
      writeBuffer.write(VnetHeader.LENGTH, frame, offset, length);
      write(writeBuffer, VnetHeader.LENGTH + length);
    }
  }

  /** Holds a frame to coalesce it with the next ones of its TCP flow ({@link Coalescer}). */
  @Override
  public void sendHeld(byte[] frame, int offset, int length) {
    synchronized (writeBuffer) {
      if (!closed) {
        coalescer.hold(frame, offset, length, writer);
      }
    }
  }

  @Override
  public void flush() {
    synchronized (writeBuffer) {
      if (!closed) {
        coalescer.flush(writer);
      }
    }
  }

  private void write(Memory buffer, int length) {
    LibC.write(fd, buffer, length);
  }

  @Override
  public void close() {
    Thread r;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      r = reader;
    }
    if (r != null) {
      try {
        r.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (writeBuffer) {
      LibC.close(fd);
    }
  }
}
