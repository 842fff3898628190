package io.bmagent.card.soft.net.tap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.bmagent.card.soft.net.BusyIdle;
import io.bmagent.card.soft.net.FrameSink;
import io.bmagent.card.soft.net.HostPort;
import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.ReceiveQueue;
import io.bmagent.card.soft.net.SoftPipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A host port backed by a TAP device ({@code IFF_TAP | IFF_NO_PI | IFF_VNET_HDR}): the host's frames are read by a
 * dedicated thread and handed to the pipeline; frames for the host are written to the device. Reads and writes are
 * JNA calls (direct mapping) on native buffers owned by the port: one native call and one copy per frame each way, no
 * allocation. The device offers the host checksum and TCP segmentation offload ({@link VnetHeader}), so that a bulk
 * sender hands over 64 KiB per read, which the card cuts into segments itself, rather than a read per segment. With
 * {@link NetPoll#BUSY} the reader spins on non-blocking reads ({@link BusyIdle}) instead of sleeping in {@code poll},
 * so a frame is read as soon as the host writes it instead of after the reader's wake-up, until its queue has carried
 * nothing for {@link NetPoll#PARK_NANOS}. The reader also serves the underlay's socket ({@link ReceiveQueue}): it waits
 * for both in one {@code poll} (or spins on both) and, after each frame from the host, takes what the underlay has
 * queued, so one thread carries both directions and a reply is handled without a wake-up. With more than one queue
 * ({@code IFF_MULTI_QUEUE}, one per card core) each queue has its reader, its write buffer and its own lane of the
 * underlay: the kernel sends each of the host's flows through the queue its frames for the host were last written to
 * (tun's automatic steering), so a flow stays on one thread both ways and the flows share the cores.
 */
public final class TapHostPort implements HostPort {

  private static final int MAX_FRAME = 65_535 + 18;
  /** How long a reader waits in poll before looking whether the port was closed. */
  private static final int POLL_MILLIS = 100;

  private final String name;
  private final NetPoll poll;
  private final Queue[] queues;
  private volatile boolean closed;
  private boolean started;

  /** Creates the TAP device {@code name}, its reader sleeping while the device is empty; needs CAP_NET_ADMIN. */
  public TapHostPort(String name) {
    this(name, NetPoll.SLEEP, 1);
  }

  /**
   * Creates the TAP device {@code name} with {@code queues} queues, each with a reader waiting for frames as
   * {@code poll} says; needs CAP_NET_ADMIN.
   */
  public TapHostPort(String name, NetPoll poll, int queues) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length == 0 || n.length > 15) {
      throw new IllegalArgumentException("interface names are 1 to 15 characters: " + name);
    }
    if (queues < 1 || queues > 256) {
      throw new IllegalArgumentException("a TAP has 1 to 256 queues, not " + queues);
    }
    this.name = name;
    this.poll = poll;
    this.queues = new Queue[queues];
    short flags = (short) (LibC.IFF_TAP | LibC.IFF_NO_PI | LibC.IFF_VNET_HDR | (queues > 1 ? LibC.IFF_MULTI_QUEUE : 0));
    try {
      for (int i = 0; i < queues; i++) {
        this.queues[i] = new Queue(attach(n, flags), i);
      }
    } catch (RuntimeException e) {
      for (Queue q : this.queues) {
        if (q != null) {
          LibC.close(q.fd);
        }
      }
      throw e;
    }
  }

  /** Opens a queue of the device, creating the device with the first. */
  private int attach(byte[] n, short flags) {
    int f = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK);
    if (f < 0) {
      throw new IllegalStateException("open /dev/net/tun: errno " + Native.getLastError());
    }
    Memory ifreq = new Memory(40);
    ifreq.clear();
    ifreq.write(0, n, 0, n.length);
    ifreq.setShort(16, flags);
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
    return f;
  }

  public String name() {
    return name;
  }

  /**
   * Moves the device into a network namespace, the host's "machine". The file descriptors stay valid: the card
   * keeps its end while the host's end lives in the namespace.
   */
  public void moveTo(String netns) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ip", "link", "set", name, "netns", netns).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ip link set " + name + " netns " + netns + ": " + out.strip());
    }
  }

  /** Starts the reader of a single-queue device. */
  @Override
  public void start(FrameSink receiver) {
    if (queues.length != 1) {
      throw new IllegalStateException(name + " has " + queues.length + " queues: each needs its receiver");
    }
    start(List.of(receiver), null);
  }

  @Override
  public int queues() {
    return queues.length;
  }

  @Override
  public FrameSink queue(int i) {
    return queues[i];
  }

  @Override
  public boolean servesQueues() {
    return true;
  }

  @Override
  public synchronized void start(List<FrameSink> receivers, List<ReceiveQueue> served) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    if (receivers.size() != queues.length || served != null && served.size() != queues.length) {
      throw new IllegalArgumentException(name + " has " + queues.length + " queues, not " + receivers.size());
    }
    started = true;
    for (int i = 0; i < queues.length; i++) {
      queues[i].start(receivers.get(i), served == null ? null : served.get(i));
    }
  }

  /** Writes a frame to the host through the first queue; a queue's own thread writes through its queue. */
  @Override
  public void send(byte[] frame, int offset, int length) {
    queues[0].send(frame, offset, length);
  }

  @Override
  public void sendHeld(byte[] frame, int offset, int length) {
    queues[0].sendHeld(frame, offset, length);
  }

  @Override
  public void flush() {
    queues[0].flush();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Queue q : queues) {
      q.stop();
    }
    for (Queue q : queues) {
      q.close();
    }
  }

  /**
   * One queue of the device: its descriptor, its reader and the frames written to the host through it. Writes are
   * serialized on the write buffer, for a thread other than the queue's own (the first queue's, as the port's
   * {@link #send}).
   */
  private final class Queue implements FrameSink {
    private final int fd;
    private final int index;
    private final Memory readBuffer = new Memory(VnetHeader.LENGTH + MAX_FRAME);
    private final long readAddress = Pointer.nativeValue(readBuffer);
    private final Memory writeBuffer = new Memory(VnetHeader.LENGTH + MAX_FRAME);
    /** struct pollfd for the queue and the served receive queue. */
    private final Memory pollFds = new Memory(16);
    private final long pollFdsAddress = Pointer.nativeValue(pollFds);
    private final Coalescer coalescer = new Coalescer(MAX_FRAME);
    /** Made once: a method reference capturing this is a new object at every use the JIT does not optimize away. */
    private final Coalescer.Writer writer = this::write;
    private Thread reader;

    Queue(int fd, int index) {
      this.fd = fd;
      this.index = index;
      // Frames to the host carry a header of zeros: no offload, checksums complete.
      writeBuffer.clear(VnetHeader.LENGTH);
      pollFds.clear();
      pollFds.setInt(0, fd);
      pollFds.setShort(4, (short) LibC.POLLIN);
    }

    void start(FrameSink receiver, ReceiveQueue served) {
      if (served != null) {
        pollFds.setInt(8, served.fd());
        pollFds.setShort(12, (short) LibC.POLLIN);
      }
      Reader r = new Reader(this, receiver, served);
      reader = new Thread(() -> {
        while (!closed) {
          r.pass();
        }
      }, queues.length == 1 ? "tap-" + name : "tap-" + name + "-" + index);
      reader.setDaemon(true);
      reader.start();
    }

    /** Writes a frame to the host. */
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
      LibC.write(fd, Pointer.nativeValue(buffer), length);
    }

    void stop() {
      if (reader != null) {
        try {
          reader.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    void close() {
      synchronized (writeBuffer) {
        LibC.close(fd);
      }
    }
  }

  /**
   * A reader's loop body, a method of its own so that the JIT compiles it from its calls: a loop that never
   * returns waits for on-stack replacement, which a sleeping port's loop took minutes of traffic to reach, and until
   * then every ping went through the interpreter.
   */
  private final class Reader {
    private final byte[] frame = new byte[SoftPipeline.HEADROOM + MAX_FRAME];
    private final VnetHeader vnet = new VnetHeader(MAX_FRAME, SoftPipeline.HEADROOM);
    private final BusyIdle idle = new BusyIdle();
    private final boolean busy = poll == NetPoll.BUSY;
    private final Queue queue;
    private final FrameSink receiver;
    private final ReceiveQueue served;
    private final int polled;

    Reader(Queue queue, FrameSink receiver, ReceiveQueue served) {
      this.queue = queue;
      this.receiver = receiver;
      this.served = served;
      this.polled = served == null ? 1 : 2;
    }

    /**
     * Serves the queue and what it serves; only when both were empty does it wait (poll, or spin with
     * {@link NetPoll#BUSY} until the queue has been silent for {@link NetPoll#PARK_NANOS}), so a busy port costs one
     * native call per frame. What woke the poll is served before returning: in this compiled method rather than after
     * a trip through the caller's loop, which cost a sleeping port's ping some 30 microseconds of cold interpreter and
     * native-call paths.
     */
    void pass() {
      if (serve()) {
        idle.reset();
      } else if (busy && !idle.idleFor(NetPoll.PARK_NANOS)) {
        idle.idle();
      } else if (LibC.poll(queue.pollFdsAddress, polled, POLL_MILLIS) > 0 && serve()) {
        // revents is the kernel's to write; nothing reads it, serve() reads both anyway.
        idle.reset();
      }
    }

    /**
     * Reads a frame from the host, non-blocking, then drains the served queue: what a frame's sendto made the peer
     * answer is usually there already. Returns whether there was anything.
     */
    private boolean serve() {
      int n = (int) LibC.read(queue.fd, queue.readAddress, VnetHeader.LENGTH + MAX_FRAME) - VnetHeader.LENGTH;
      boolean worked = n > 0;
      if (worked) {
        // The header with the frame in one copy, into the headroom, which the pipeline overwrites only after.
        queue.readBuffer.read(0, frame, SoftPipeline.HEADROOM - VnetHeader.LENGTH, VnetHeader.LENGTH + n);
        // A frame that cannot be made whole is lost, as a NIC drops what it cannot offload.
        vnet.deliver(frame, SoftPipeline.HEADROOM, n, receiver);
      }
      return served != null && served.drain() || worked;
    }
  }
}
