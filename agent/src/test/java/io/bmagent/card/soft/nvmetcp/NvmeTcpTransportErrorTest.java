package io.bmagent.card.soft.nvmetcp;

import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.TargetOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

import static io.bmagent.card.soft.nvmetcp.NvmeTcpControllerTest.assertPattern;
import static io.bmagent.card.soft.nvmetcp.NvmeTcpControllerTest.pattern;
import static org.junit.jupiter.api.Assertions.*;

/**
 * C2HData a target got wrong once, on the wire through {@link PduProxy}: a bad data digest, SUCCESS
 * without LAST_PDU, SUCCESS with data missing. Each fails that one command with Transient Transport
 * Error, which the initiator re-issues within its attempt budget; the connections stay up.
 */
@Timeout(120)
class NvmeTcpTransportErrorTest {
  static final String NQN = "nqn.2024-01.io.bmagent:vol-transport";
  static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:soft-card";
  static final int BS = NvmeTcpControllerTest.BS;
  final List<AutoCloseable> closeables = new ArrayList<>();
  PduProxy proxy;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /** Two blocks written at LBA 0 through a direct path; reads of them go through the proxy. */
  NvmeTcpController setUp(boolean digests, int maxAttempts) throws Exception {
    // 4 KiB C2HData PDUs, so a two-block read arrives in two of them.
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().c2hChunk(BS));
    target.addSubsystem(NQN).addMemoryNamespace(1 << 20, BS);
    target.start();
    closeables.add(0, target);
    proxy = new PduProxy(target.port());
    closeables.add(0, proxy);
    NvmeTcpController c = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1", proxy.port(), NQN, HOST)
        .ioQueues(1).queueDepth(8).digests(digests, digests).maxAttempts(maxAttempts));
    closeables.add(0, c);
    c.connect().join();
    ByteBuf src = pattern(2, 7);
    c.write(1, 0, 2, src).join();
    src.release();
    return c;
  }

  private static boolean c2hData(ByteBuf pdu) {
    return pdu.getUnsignedByte(0) == PduType.C2H_DATA;
  }

  /** Flips a bit of the data digest, the last four bytes of the PDU. */
  static final UnaryOperator<ByteBuf> CORRUPT_DIGEST = pdu -> {
    if (!c2hData(pdu) || (pdu.getUnsignedByte(1) & PduType.FLAG_DDGSTF) == 0) {
      return pdu;
    }
    int last = pdu.writerIndex() - 1;
    pdu.setByte(last, pdu.getByte(last) ^ 1);
    return pdu.duplicate();
  };

  static final UnaryOperator<ByteBuf> SUCCESS_WITHOUT_LAST = pdu -> {
    if (!c2hData(pdu) || (pdu.getUnsignedByte(1) & PduType.FLAG_SUCCESS) == 0) {
      return pdu;
    }
    pdu.setByte(1, pdu.getUnsignedByte(1) & ~PduType.FLAG_LAST_PDU);
    return pdu.duplicate();
  };

  /** Drops the first C2HData that is not the last of its command: its range never arrives. */
  static final UnaryOperator<ByteBuf> DROP_FIRST_DATA = pdu ->
      c2hData(pdu) && (pdu.getUnsignedByte(1) & PduType.FLAG_LAST_PDU) == 0 ? null : pdu;

  private void readRecovers(boolean digests, UnaryOperator<ByteBuf> fault) throws Exception {
    NvmeTcpController c = setUp(digests, 3);
    int connections = proxy.connections();
    proxy.once(fault);
    ByteBuf dst = Unpooled.buffer();
    c.read(1, 0, 2, dst).join();
    assertPattern(dst, 2, 7);
    dst.release();
    assertEquals(1, c.counters().transportErrors());
    assertEquals(1, c.counters().reissued());
    assertEquals(0, c.counters().reconnects());
    assertEquals(connections, proxy.connections(), "no connection was replaced");
    assertEquals(PathState.CONNECTED, c.state());
  }

  private void readFailsAlone(boolean digests, UnaryOperator<ByteBuf> fault) throws Exception {
    NvmeTcpController c = setUp(digests, 1);
    int connections = proxy.connections();
    proxy.once(fault);
    ByteBuf dst = Unpooled.buffer();
    CompletionException e = assertThrows(CompletionException.class, () -> c.read(1, 0, 2, dst).join());
    NvmeException n = assertInstanceOf(NvmeException.class, e.getCause());
    assertEquals(Nvme.SCT_GENERIC, n.statusCodeType());
    assertEquals(Nvme.SC_TRANSIENT_TRANSPORT_ERROR, n.statusCode());
    assertFalse(n.doNotRetry());
    assertFalse(n.pathFailure());
    // The same connection serves the next command.
    ByteBuf again = Unpooled.buffer();
    c.read(1, 0, 2, again).join();
    assertPattern(again, 2, 7);
    dst.release();
    again.release();
    assertEquals(connections, proxy.connections());
    assertEquals(0, c.counters().reconnects());
  }

  @Test
  void corruptDataDigestIsRetriedOnTheSameConnection() throws Exception {
    readRecovers(true, CORRUPT_DIGEST);
  }

  @Test
  void corruptDataDigestFailsOnlyThatCommandWithoutRetries() throws Exception {
    readFailsAlone(true, CORRUPT_DIGEST);
  }

  @Test
  void successWithoutLastPduFailsTheCommand() throws Exception {
    readFailsAlone(false, SUCCESS_WITHOUT_LAST);
  }

  @Test
  void successWithMissingDataFailsTheCommand() throws Exception {
    readFailsAlone(false, DROP_FIRST_DATA);
  }

  @Test
  void successWithMissingDataIsRetried() throws Exception {
    readRecovers(false, DROP_FIRST_DATA);
  }
}
