package io.bmagent.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.nvmetcp.C2HDataPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleCommandPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleResponsePdu;
import io.bmagent.card.soft.nvmetcp.Cqe;
import io.bmagent.card.soft.nvmetcp.H2CDataPdu;
import io.bmagent.card.soft.nvmetcp.IcReqPdu;
import io.bmagent.card.soft.nvmetcp.IcRespPdu;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPdu;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduDecoder;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduEncoder;
import io.bmagent.card.soft.nvmetcp.NvmeTcpProtocolException;
import io.bmagent.card.soft.nvmetcp.PduCodecConfig;
import io.bmagent.card.soft.nvmetcp.R2tPdu;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.bmagent.card.soft.nvmetcp.TermReqPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The NVMe/TCP PDU decoder on hostile byte streams, split at random points: valid PDUs of every type with bytes
 * flipped, lengths and offsets rewritten, digests broken, truncated or followed by garbage, and plain noise. The
 * decoder either waits for more bytes, yields PDUs, or ends the connection with an {@link NvmeTcpProtocolException};
 * nothing else is ever raised, and every buffer is released (counted on an allocator without caches, besides the
 * paranoid leak detector the tests run with).
 */
class PduDecoderFuzzTest {

  /** No thread caches, so its arenas count every live allocation. */
  private static final PooledByteBufAllocator ALLOC = new PooledByteBufAllocator(false, 1, 0, 8192, 9, 0, 0, false);

  @Property
  void hostileStreamsEndInPdusOrAProtocolError(@ForAll Random random) {
    boolean host = random.nextBoolean();
    boolean hd = random.nextBoolean();
    boolean dd = random.nextBoolean();
    byte[] stream = stream(random, !host, hd, dd);

    List<Throwable> errors = new ArrayList<>();
    PduCodecConfig config = new PduCodecConfig(host, 8192);
    config.digests(hd, dd);
    EmbeddedChannel rx = new EmbeddedChannel();
    rx.config().setAllocator(ALLOC);
    rx.pipeline().addLast(new NvmeTcpPduEncoder(config), new NvmeTcpPduDecoder(config),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            assertInstanceOf(NvmeTcpPdu.class, msg);
            ReferenceCountUtil.release(msg);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
          }
        });
    for (int at = 0; at < stream.length && rx.isOpen(); ) {
      int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 600));
      ByteBuf chunk = ALLOC.heapBuffer(n).writeBytes(stream, at, n);
      rx.writeInbound(chunk);
      at += n;
    }
    rx.finishAndReleaseAll();
    for (Throwable t : errors) {
      assertInstanceOf(NvmeTcpProtocolException.class, t, () -> "unexpected " + t);
    }
    assertTrue(errors.size() <= 1, "the decoder went on after a protocol error: " + errors);
    long live = 0;
    for (PoolArenaMetric a : ALLOC.metric().heapArenas()) {
      live += a.numActiveAllocations();
    }
    assertEquals(0, live, "buffers not released");
  }

  /** A few encoded PDUs the peer could send, then one mutation of the whole stream. */
  private static byte[] stream(Random random, boolean fromHost, boolean hd, boolean dd) {
    PduCodecConfig config = new PduCodecConfig(fromHost, 1 << 20);
    config.digests(hd, dd);
    EmbeddedChannel tx = new EmbeddedChannel(new NvmeTcpPduEncoder(config));
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      tx.writeOutbound(pdu(random, fromHost));
    }
    ByteBuf all = tx.alloc().buffer();
    for (ByteBuf b; (b = tx.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    tx.finishAndReleaseAll();
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    all.release();
    return mutate(random, bytes);
  }

  private static NvmeTcpPdu pdu(Random random, boolean fromHost) {
    ByteBuf data = io.netty.buffer.Unpooled.wrappedBuffer(noise(random, 1 + random.nextInt(64)));
    int kind = random.nextInt(5);
    if (fromHost) {
      return switch (kind) {
        case 0 -> new IcReqPdu(0, random.nextInt(32), random.nextBoolean(), random.nextBoolean(), 0);
        case 1 -> new CapsuleCommandPdu(new Sqe(), random.nextBoolean() ? data : release(data));
        case 2 -> new H2CDataPdu(random.nextInt(65536), random.nextInt(65536), random.nextInt(1 << 20),
            random.nextBoolean(), data);
        case 3 -> new TermReqPdu(true, random.nextInt(8), random.nextInt(64), noise(random, random.nextInt(64)));
        default -> new CapsuleCommandPdu(new Sqe(), release(data));
      };
    }
    return switch (kind) {
      case 0 -> new IcRespPdu(0, random.nextInt(32), random.nextBoolean(), random.nextBoolean(), 4096);
      case 1 -> new CapsuleResponsePdu(Cqe.success(random.nextInt(65536), random.nextLong()));
      case 2 -> new C2HDataPdu(random.nextInt(65536), random.nextInt(1 << 20), random.nextBoolean(),
          random.nextBoolean(), data);
      case 3 -> new R2tPdu(random.nextInt(65536), random.nextInt(65536), random.nextInt(1 << 20), 1 + random.nextInt(8192));
      default -> new TermReqPdu(false, random.nextInt(8), random.nextInt(64), noise(random, random.nextInt(64)));
    };
  }

  private static ByteBuf release(ByteBuf b) {
    b.release();
    return null;
  }

  private static byte[] mutate(Random random, byte[] b) {
    switch (random.nextInt(7)) {
      case 0 -> {
        return b;
      }
      case 1 -> {
        for (int i = random.nextInt(4); i >= 0; i--) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 2 -> {
        return java.util.Arrays.copyOf(b, random.nextInt(b.length));
      }
      case 3 -> {
        // PLEN, HLEN or PDO of the first PDU rewritten: short, long, huge.
        int at = new int[] {2, 3, 4, 5, 6, 7}[random.nextInt(6)];
        b[at] = (byte) random.nextInt(256);
        return b;
      }
      case 4 -> {
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(300));
        System.arraycopy(noise(random, longer.length - b.length), 0, longer, b.length, longer.length - b.length);
        return longer;
      }
      case 5 -> {
        // A digest's last byte: the header digest sits at HLEN, the data digest at the end of the PDU.
        b[random.nextBoolean() ? Math.min(b.length - 1, (b[2] & 0xff) + 3) : b.length - 1] ^= 1;
        return b;
      }
      default -> {
        return noise(random, random.nextInt(2000));
      }
    }
  }

  private static byte[] noise(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
