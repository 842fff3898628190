package io.bmagent.card.nativelib;

import static io.bmagent.card.nativelib.BmdpuErrors.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Card identity, host power, NVMe-oF and block devices, against the simulator through JNA. */
@Tag("hil")
class BmdpuCardTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void opensAndReportsIdentityAndLimits() {
    try (BmdpuCard card = SimCards.open("model=sim-test;max_devices=8")) {
      BmdpuLibrary lib = card.library();
      CardInfo info = new CardInfo();
      check(lib.bmdpu_card_get_info(card.handle(), info), "card_get_info");
      assertEquals("sim-test", info.model());
      assertEquals(BmdpuLibrary.BMDPU_ABI_VERSION, info.abi_version);
      assertTrue(info.has(BmdpuLibrary.BMDPU_CAP_FREEZE | BmdpuLibrary.BMDPU_CAP_NVMF_TCP));

      Limits limits = new Limits();
      check(lib.bmdpu_card_get_limits(card.handle(), limits), "card_get_limits");
      assertEquals(8, limits.max_block_devices);
      assertEquals(1, limits.max_ports);
    }
  }

  @Test
  void rejectsUnknownConfiguration() {
    BmdpuLibrary lib = SimCards.library();
    BmdpuException e = assertThrows(BmdpuException.class, () -> BmdpuCard.open(lib, "colour=blue"));
    assertEquals(BmdpuError.INVALID, e.error());
  }

  @Test
  void powersTheHostAndAnnouncesItOffTheNativeThread() throws InterruptedException {
    try (BmdpuCard card = SimCards.open("power_transition_ms=20")) {
      BmdpuLibrary lib = card.library();
      SimCards.Recorder events = new SimCards.Recorder();
      card.subscribe(events);

      check(lib.bmdpu_host_power_on(card.handle()), "host_power_on");
      assertEquals(BmdpuLibrary.BMDPU_POWER_TRANSITIONING, power(card));
      CardEvent on = events.await(CardEvent.Type.HOST_POWER_CHANGED, WAIT);
      assertEquals(BmdpuLibrary.BMDPU_POWER_ON, on.value());
      assertEquals("host", on.objectId());
      assertEquals("bmdpu-events", events.deliveredOn().getName());
      assertNotSame(Thread.currentThread(), events.deliveredOn());

      check(lib.bmdpu_host_power_off(card.handle(), 0, 5000), "host_power_off");
      assertEquals(BmdpuLibrary.BMDPU_POWER_OFF, events.await(CardEvent.Type.HOST_POWER_CHANGED, WAIT).value());
      assertEquals(BmdpuLibrary.BMDPU_POWER_OFF, power(card));
    }
  }

  @Test
  void refusesToAttachWhileTheHostIsOn() {
    try (BmdpuCard card = SimCards.open(null)) {
      BmdpuLibrary lib = card.library();
      check(lib.bmdpu_nvmf_connect(card.handle(), SimCards.target("c1")), "nvmf_connect");
      check(lib.bmdpu_host_power_on(card.handle()), "host_power_on");
      BmdpuException e = assertThrows(BmdpuException.class, () -> attach(card, SimCards.device("c1", "vol-1")));
      assertEquals(BmdpuError.BUSY, e.error());
      assertEquals("busy: blockdev_attach (EBUSY)", e.getMessage());
    }
  }

  @Test
  void attachesListsCountsAndDetaches() {
    try (BmdpuCard card = SimCards.open("max_devices=4")) {
      BmdpuLibrary lib = card.library();
      Pointer h = card.handle();
      NvmfTarget target = SimCards.target("c1").secret("DHHC-1:00:c2VjcmV0c2VjcmV0:".toCharArray());
      check(lib.bmdpu_nvmf_connect(h, target), "nvmf_connect");
      target.wipeSecret();
      int a = attach(card, SimCards.device("c1", "vol-a"));
      BlockdevSpec pinned = SimCards.device("c1", "vol-b");
      pinned.slot = 3;
      assertEquals(3, attach(card, pinned));

      try (StructArray<BlockdevInfo> infos = StructArray.of(BlockdevInfo.class, 4)) {
        IntByReference count = new IntByReference(4);
        check(lib.bmdpu_blockdev_list(h, infos.pointer(), count), "blockdev_list");
        List<BlockdevInfo> listed = infos.read(count.getValue());
        assertEquals(List.of("vol-a", "vol-b"), listed.stream().map(i -> i.spec.serial()).toList());
        assertEquals(3, listed.get(1).spec.slot);
      }

      SimulatorControl.of(card).hostIo(a, 10, 5, 4096);
      BlockdevStats stats = new BlockdevStats();
      check(lib.bmdpu_blockdev_get_stats(h, a, stats), "blockdev_get_stats");
      assertEquals(10, stats.read_ops);
      assertEquals(5 * 4096, stats.write_bytes);
      assertEquals(BmdpuLibrary.BMDPU_PATH_CONNECTED, stats.path_state);

      assertEquals(BmdpuError.BUSY, assertThrows(BmdpuException.class,
          () -> check(lib.bmdpu_nvmf_disconnect(h, "c1"), "nvmf_disconnect")).error());
      check(lib.bmdpu_blockdev_detach(h, a), "blockdev_detach");
      check(lib.bmdpu_blockdev_detach(h, 3), "blockdev_detach");
      assertEquals(BmdpuError.NOT_FOUND, assertThrows(BmdpuException.class,
          () -> check(lib.bmdpu_blockdev_detach(h, 3), "blockdev_detach")).error());
      check(lib.bmdpu_nvmf_disconnect(h, "c1"), "nvmf_disconnect");
    }
  }

  @Test
  void freezeTimesOutThawsAndTells() throws InterruptedException {
    try (BmdpuCard card = SimCards.open(null)) {
      BmdpuLibrary lib = card.library();
      SimCards.Recorder events = new SimCards.Recorder();
      card.subscribe(events);
      check(lib.bmdpu_nvmf_connect(card.handle(), SimCards.target("c1")), "nvmf_connect");
      int slot = attach(card, SimCards.device("c1", "vol-f"));

      check(lib.bmdpu_blockdev_freeze(card.handle(), slot, 50), "blockdev_freeze");
      assertEquals(1, stats(card, slot).frozen);
      BmdpuException held = assertThrows(BmdpuException.class, () -> SimulatorControl.of(card).hostIo(slot, 1, 0, 512));
      assertEquals(BmdpuError.TRY_AGAIN, held.error());

      CardEvent timeout = events.await(CardEvent.Type.FREEZE_TIMEOUT, WAIT);
      assertEquals(slot, timeout.slot());
      assertEquals("vol-f", timeout.objectId());
      assertEquals(0, stats(card, slot).frozen);
    }
  }

  @Test
  void pathLossIsReportedAndRecovered() throws InterruptedException {
    try (BmdpuCard card = SimCards.open("ctrl_loss_tmo_ms=30")) {
      BmdpuLibrary lib = card.library();
      SimCards.Recorder events = new SimCards.Recorder();
      card.subscribe(events);
      check(lib.bmdpu_nvmf_connect(card.handle(), SimCards.target("c1")), "nvmf_connect");
      int slot = attach(card, SimCards.device("c1", "vol-p"));
      SimulatorControl sim = SimulatorControl.of(card);

      sim.setPath("c1", false);
      assertEquals("c1", events.await(CardEvent.Type.PATH_DOWN, WAIT).objectId());
      CardEvent error = events.await(CardEvent.Type.DEVICE_ERROR, WAIT);
      assertEquals(slot, error.slot());
      NvmfStatus status = new NvmfStatus();
      check(lib.bmdpu_nvmf_get_status(card.handle(), "c1", status), "nvmf_get_status");
      assertEquals(BmdpuLibrary.BMDPU_PATH_DOWN, status.state);

      sim.setPath("c1", true);
      events.await(CardEvent.Type.PATH_UP, WAIT);
      assertEquals(BmdpuLibrary.BMDPU_PATH_CONNECTED, stats(card, slot).path_state);
    }
  }

  private static int attach(BmdpuCard card, BlockdevSpec spec) {
    IntByReference slot = new IntByReference();
    check(card.library().bmdpu_blockdev_attach(card.handle(), spec, slot), "blockdev_attach");
    return slot.getValue();
  }

  private static BlockdevStats stats(BmdpuCard card, int slot) {
    BlockdevStats stats = new BlockdevStats();
    check(card.library().bmdpu_blockdev_get_stats(card.handle(), slot, stats), "blockdev_get_stats");
    return stats;
  }

  private static int power(BmdpuCard card) {
    IntByReference state = new IntByReference();
    check(card.library().bmdpu_host_get_power(card.handle(), state), "host_get_power");
    return state.getValue();
  }
}
