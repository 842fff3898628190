package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.vhost.sys.EventFd;
import io.bmagent.card.soft.vhost.sys.Fd;
import io.bmagent.card.soft.vhost.sys.MappedRegion;
import io.bmagent.card.soft.vhost.sys.SharedMemory;
import io.bmagent.card.soft.vhost.sys.UnixConnection;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One front-end connection: reads its messages (vhost-user.rst, "Message specification") and applies them to
 * the rings and the guest memory. Runs on the server's thread; ring workers run on their own.
 */
final class Session {

  private static final Logger LOG = Logger.getLogger(Session.class.getName());
  private static final int HEADER = 12;
  private static final int VERSION = 0x1;
  private static final int FLAG_REPLY = 0x4;
  private static final int FLAG_NEED_REPLY = 0x8;
  /** SET_VRING_KICK/CALL/ERR payload: bit 8 says no file descriptor came (polling mode, not offered here). */
  private static final long VRING_NOFD = 0x100;
  /** How long GET_VRING_BASE waits for the device to finish requests in flight. */
  private static final Duration DRAIN = Duration.ofSeconds(5);

  private final UnixConnection connection;
  private final VhostUserDevice device;
  private final Vring[] rings;
  private GuestMemory memory = GuestMemory.empty();
  private InflightRegion inflight;
  private long features;
  private long protocolFeatures;

  Session(UnixConnection connection, VhostUserDevice device) {
    this.connection = connection;
    this.device = device;
    this.rings = new Vring[device.maxQueues()];
    for (int i = 0; i < rings.length; i++) {
      rings[i] = new Vring(i, device);
    }
  }

  private long offeredProtocolFeatures() {
    return device.tracksInflight() ? Features.PROTOCOL_OFFERED | Features.bit(Features.PROTOCOL_INFLIGHT_SHMFD)
        : Features.PROTOCOL_OFFERED;
  }

  long offeredFeatures() {
    return device.features() | Features.bit(Features.VERSION_1) | Features.bit(Features.PROTOCOL_FEATURES);
  }

  /** Serves messages until the front-end disconnects, then stops every ring and unmaps guest memory. */
  void run() throws IOException {
    try {
      while (true) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int[] fds = connection.receive(header);
        header.flip();
        int code = header.getInt();
        int flags = header.getInt();
        int size = header.getInt();
        ByteBuffer payload = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        connection.readFully(payload);
        payload.flip();
        handle(code, flags, payload, fds);
      }
    } catch (EOFException e) {
      LOG.fine("front-end disconnected");
    } finally {
      for (Vring r : rings) {
        r.reset(DRAIN);
      }
      memory.close();
      memory = GuestMemory.empty();
      if (inflight != null) {
        inflight.close();
        inflight = null;
      }
      connection.close();
    }
  }

  private void handle(int code, int flags, ByteBuffer payload, int[] fds) throws IOException {
    Request request = Request.of(code);
    boolean ack = (flags & FLAG_NEED_REPLY) != 0 && Features.has(protocolFeatures, Features.PROTOCOL_REPLY_ACK);
    if (request == null) {
      Arrays.stream(fds).forEach(Fd::close);
      LOG.warning("vhost-user message " + code + " is not implemented");
      if (ack) {
        reply(code, u64(1));
      }
      return;
    }
    LOG.fine(() -> "vhost-user " + request + " (" + payload.remaining() + " bytes, " + fds.length + " fds)");
    try {
      ByteBuffer answer = apply(request, payload, fds);
      if (answer != null) {
        reply(code, answer);
      } else if (ack && !request.answers()) {
        reply(code, u64(0));
      }
    } catch (IllegalArgumentException | VirtqueueException | IOException e) {
      LOG.log(Level.WARNING, "vhost-user " + request + " failed: " + e.getMessage());
      if (request.answers()) {
        throw new IOException(request + " failed: " + e.getMessage(), e);
      }
      if (ack) {
        reply(code, u64(1));
      }
    }
  }

  private ByteBuffer apply(Request request, ByteBuffer p, int[] fds) throws IOException {
    switch (request) {
      case GET_FEATURES:
        return u64(offeredFeatures());
      case SET_FEATURES:
        features = p.getLong() & offeredFeatures();
        if (!Features.has(features, Features.PROTOCOL_FEATURES)) {
          // vhost-user.rst, "Ring states": without protocol features a ring starts enabled.
          Arrays.stream(rings).forEach(r -> r.enable(true));
        }
        return null;
      case GET_PROTOCOL_FEATURES:
        return u64(offeredProtocolFeatures());
      case SET_PROTOCOL_FEATURES:
        protocolFeatures = p.getLong() & offeredProtocolFeatures();
        return null;
      case GET_INFLIGHT_FD:
        Arrays.stream(fds).forEach(Fd::close);
        return getInflight(p);
      case SET_INFLIGHT_FD:
        setInflight(p, fds);
        return null;
      case SET_OWNER:
        return null;
      case RESET_OWNER:
        for (Vring r : rings) {
          r.reset(DRAIN);
        }
        features = 0;
        return null;
      case SET_MEM_TABLE:
        setMemTable(p, fds);
        return null;
      case GET_QUEUE_NUM:
        return u64(rings.length);
      case GET_CONFIG:
        return config(p);
      case SET_CONFIG:
        // Only the writeback byte is writable in virtio-blk's space, and this device offers no CONFIG_WCE.
        return null;
      default:
        return ring(request, p, fds);
    }
  }

  private ByteBuffer ring(Request request, ByteBuffer p, int[] fds) throws IOException {
    long first = p.getLong(0);
    Vring ring = ring(request == Request.SET_VRING_KICK || request == Request.SET_VRING_CALL
        || request == Request.SET_VRING_ERR ? (int) (first & 0xff) : p.getInt(0));
    switch (request) {
      case SET_VRING_NUM -> ring.size(p.getInt(4));
      case SET_VRING_ADDR -> ring.addresses(p.getLong(8), p.getLong(16), p.getLong(24));
      case SET_VRING_BASE -> ring.base(p.getInt(4) & 0xffff);
      case GET_VRING_BASE -> {
        int next = ring.stop(DRAIN);
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(p.getInt(0)).putInt(next).flip();
      }
      case SET_VRING_ENABLE -> ring.enable(p.getInt(4) != 0);
      case SET_VRING_KICK -> ring.start(eventFd(first, fds), memory,
          Features.has(features, Features.RING_INDIRECT_DESC), inflight);
      case SET_VRING_CALL -> ring.call(eventFd(first, fds));
      case SET_VRING_ERR -> ring.err(eventFd(first, fds));
      default -> throw new IllegalArgumentException("unexpected " + request);
    }
    return null;
  }

  private Vring ring(int index) {
    if (index < 0 || index >= rings.length) {
      throw new IllegalArgumentException("no ring " + index + "; the device has " + rings.length);
    }
    return rings[index];
  }

  private static EventFd eventFd(long payload, int[] fds) {
    if ((payload & VRING_NOFD) != 0 || fds.length != 1) {
      Arrays.stream(fds).forEach(Fd::close);
      throw new IllegalArgumentException("a ring without an eventfd (polling mode) is not supported");
    }
    return new EventFd(fds[0]);
  }

  /**
   * SET_MEM_TABLE: maps every region once. Rings keep the memory they started on until they stop, and requests in
   * flight keep it mapped until they complete.
   */
  private void setMemTable(ByteBuffer p, int[] fds) throws IOException {
    int count = p.getInt(0);
    if (count != fds.length || count > UnixConnection.MAX_FDS) {
      Arrays.stream(fds).forEach(Fd::close);
      throw new IllegalArgumentException(count + " memory regions came with " + fds.length + " file descriptors");
    }
    List<GuestMemory.Region> regions = new ArrayList<>();
    List<MappedRegion> mappings = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        int off = 8 + 32 * i;
        long guestAddr = p.getLong(off);
        long size = p.getLong(off + 8);
        long userAddr = p.getLong(off + 16);
        long mmapOffset = p.getLong(off + 24);
        MappedRegion m = new MappedRegion(fds[i], mmapOffset, size);
        mappings.add(m);
        regions.add(new GuestMemory.Region(guestAddr, size, userAddr, m::window));
      }
    } catch (IOException e) {
      mappings.forEach(MappedRegion::close);
      throw e;
    } finally {
      // The mappings hold the memory; the descriptors are no longer needed.
      Arrays.stream(fds).forEach(Fd::close);
    }
    memory.close();
    memory = new GuestMemory(regions, mappings);
  }

  /**
   * GET_INFLIGHT_FD: new zeroed tracking memory for the queues the front-end names. Its reply is sent here, as it
   * carries the memory's file descriptor; the front-end hands the memory back with SET_INFLIGHT_FD, now and after
   * every reconnect.
   */
  private ByteBuffer getInflight(ByteBuffer p) throws IOException {
    int queues = Short.toUnsignedInt(p.getShort(16));
    int queueSize = Short.toUnsignedInt(p.getShort(18));
    if (queues < 1 || queues > rings.length || queueSize < 1 || queueSize > 32768) {
      throw new IllegalArgumentException("cannot track " + queues + " queues of " + queueSize);
    }
    long size = InflightRegion.bytes(queues, queueSize);
    int fd = SharedMemory.create("vhost-user-inflight", size);
    try {
      ByteBuffer answer = inflightDescription(size, queues, queueSize);
      ByteBuffer msg = ByteBuffer.allocate(HEADER + answer.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      msg.putInt(Request.GET_INFLIGHT_FD.code).putInt(VERSION | FLAG_REPLY).putInt(answer.remaining()).put(answer)
          .flip();
      connection.send(msg, fd);
    } finally {
      Fd.close(fd);
    }
    return null;
  }

  /** mmap size, mmap offset, num queues, queue size, padded as QEMU's struct is (24 bytes). */
  private static ByteBuffer inflightDescription(long size, int queues, int queueSize) {
    return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(size).putLong(0)
        .putShort((short) queues).putShort((short) queueSize).putInt(0).flip();
  }

  private void setInflight(ByteBuffer p, int[] fds) throws IOException {
    try {
      if (fds.length != 1) {
        throw new IllegalArgumentException("SET_INFLIGHT_FD came with " + fds.length + " file descriptors");
      }
      if (Arrays.stream(rings).anyMatch(Vring::started)) {
        throw new IllegalArgumentException("SET_INFLIGHT_FD while rings run");
      }
      InflightRegion region = InflightRegion.map(fds[0], p.getLong(8), p.getLong(0),
          Short.toUnsignedInt(p.getShort(16)), Short.toUnsignedInt(p.getShort(18)));
      if (inflight != null) {
        inflight.close();
      }
      inflight = region;
    } finally {
      Arrays.stream(fds).forEach(Fd::close);
    }
  }

  private ByteBuffer config(ByteBuffer p) {
    int offset = p.getInt(0);
    int size = p.getInt(4);
    int flags = p.getInt(8);
    byte[] space = device.config();
    ByteBuffer out = ByteBuffer.allocate(12 + size).order(ByteOrder.LITTLE_ENDIAN).putInt(offset).putInt(size)
        .putInt(flags);
    for (int i = 0; i < size; i++) {
      // Bytes past the device's space read as zero: newer drivers know fields this device leaves unset.
      out.put(offset + i < space.length ? space[offset + i] : 0);
    }
    return out.flip();
  }

  private void reply(int code, ByteBuffer payload) throws IOException {
    ByteBuffer msg = ByteBuffer.allocate(HEADER + payload.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    msg.putInt(code).putInt(VERSION | FLAG_REPLY).putInt(payload.remaining()).put(payload).flip();
    connection.send(msg);
  }

  private static ByteBuffer u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).flip();
  }
}
