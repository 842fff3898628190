package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.CardException;
import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import io.bmagent.card.soft.nvmetcp.Polling;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.TargetOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --card-option storage-poll}: adaptive (the default), sleep or busy, any case; anything else refuses to open
 * the card, naming it; and an initiator moves data alike in each mode.
 */
@Timeout(120)
class StoragePollOptionTest {
  static final String NQN = "nqn.2026-12.io.bmagent:poll";
  static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:poll";

  @Test
  void parsesEveryMode() {
    assertEquals(Polling.ADAPTIVE, SoftStorageOptions.from(Map.of()).polling());
    assertEquals(Polling.SLEEP, SoftStorageOptions.from(Map.of("storage-poll", "sleep")).polling());
    assertEquals(Polling.ADAPTIVE, SoftStorageOptions.from(Map.of("storage-poll", "Adaptive")).polling());
    assertEquals(Polling.BUSY, SoftStorageOptions.from(Map.of("storage-poll", "BUSY")).polling());
  }

  @Test
  void anotherValueIsInvalid() {
    CardException e = assertThrows(CardException.class, () -> new SoftCardProvider().open(Map.of("underlay",
        "127.0.0.1", "underlay-port", "0", "storage-poll", "spin")));
    assertEquals(CardException.Reason.INVALID, e.reason());
    assertTrue(e.getMessage().contains("storage-poll") && e.getMessage().contains("spin"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Polling.class)
  void initiatorReadsBackWhatItWrote(Polling polling) throws Exception {
    try (NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0))) {
      int nsid = target.addSubsystem(NQN).addMemoryNamespace(16L << 20, 4096).nsid();
      int port = target.start();
      try (NvmeTcpController c = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1", port, NQN, HOST)
          .ioQueues(2).queueDepth(32).polling(polling))) {
        c.connect().get(10, TimeUnit.SECONDS);
        SplittableRandom random = new SplittableRandom(7);
        List<ByteBuf> written = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          byte[] data = new byte[4096 * (1 + i % 4)];
          random.nextBytes(data);
          ByteBuf b = Unpooled.wrappedBuffer(data);
          written.add(b);
          writes.add(c.write(nsid, i * 4L, 1 + i % 4, b));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 64; i++) {
          ByteBuf back = Unpooled.buffer();
          c.read(nsid, i * 4L, 1 + i % 4, back).get(30, TimeUnit.SECONDS);
          assertTrue(ByteBufUtil.equals(written.get(i), back), "blocks at " + i * 4 + " read back as written");
        }
      }
    }
  }
}
