package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inflight tracking (vhost-user.rst, "Inflight I/O tracking") across a back-end crash: a second device on the same
 * ring and the same record resubmits exactly the requests the driver still waits for, oldest first, then goes on
 * with the available ring where the first one left it.
 */
class InflightQueueTest {

  final Driver driver = new Driver();
  final ByteBuffer record = ByteBuffer.allocateDirect((int) InflightQueue.bytes(Driver.SIZE))
      .order(ByteOrder.LITTLE_ENDIAN);

  /** Where the first back-end dies while returning a request. */
  enum Crash {
    BEFORE_LINK, LINKED, USED_IDX_STORED, INFLIGHT_CLEARED, DONE
  }

  @Test
  void aFreshRecordHasNothingToResubmit() {
    Virtqueue device = driver.device(new InflightQueue(record, Driver.SIZE));
    offer(0);
    assertEquals(List.of(0), poll(device));
    assertEquals(1, record.getShort(8), "version");
    assertEquals(Driver.SIZE, record.getShort(10), "desc_num");
  }

  @Test
  void requestsLeftInFlightAreResubmittedInTheOrderTheyWereTaken() {
    Virtqueue first = driver.device(new InflightQueue(record, Driver.SIZE));
    // Taken in the order 3, 1, 0, 2; the device answers 1 and 2 before it dies.
    for (int head : new int[] {3, 1, 0, 2}) {
      offer(head);
    }
    List<DescriptorChain> taken = new ArrayList<>();
    first.poll(taken::add);
    taken.get(1).complete(1);
    taken.get(3).complete(1);
    assertEquals(2, driver.usedIdx());
    offer(4);

    Virtqueue second = driver.device(new InflightQueue(record, Driver.SIZE));
    assertEquals(List.of(3, 0, 4), poll(second), "the two in flight, oldest first, then the new request");
  }

  @ParameterizedTest
  @EnumSource(Crash.class)
  void aCrashWhileReturningARequestNeitherLosesNorRepeatsIt(Crash crash) {
    InflightQueue q = new InflightQueue(record, Driver.SIZE);
    Virtqueue first = driver.device(q);
    for (int head = 0; head < 3; head++) {
      offer(head);
    }
    assertEquals(List.of(0, 1, 2), poll(first));
    returnHead(q, 1, crash);

    Virtqueue second = driver.device(new InflightQueue(record, Driver.SIZE));
    offer(3);
    boolean returned = crash.compareTo(Crash.USED_IDX_STORED) >= 0;
    assertEquals(returned ? List.of(0, 2, 3) : List.of(0, 1, 2, 3), poll(second));
    assertEquals(returned ? 1 : 0, driver.usedIdx());
    assertEquals(driver.usedIdx(), Short.toUnsignedInt(record.getShort(14)), "the record's used_idx is fixed up");
  }

  @Test
  void aRecordForAnotherRingSizeIsRefused() {
    record.putShort(8, (short) 1).putShort(10, (short) 8);
    assertThrows(VirtqueueException.class, () -> driver.device(new InflightQueue(record, Driver.SIZE)));
  }

  /** Returns {@code head} as the device does, stopping where {@code crash} says the process died. */
  private void returnHead(InflightQueue q, int head, Crash crash) {
    if (crash == Crash.BEFORE_LINK) {
      return;
    }
    q.link(head);
    if (crash == Crash.LINKED) {
      return;
    }
    int idx = driver.usedIdx();
    int slot = Driver.USED + 4 + 8 * (idx % Driver.SIZE);
    driver.mem.putInt(slot, head).putInt(slot + 4, 1);
    driver.mem.putShort(Driver.USED + 2, (short) (idx + 1));
    if (crash == Crash.USED_IDX_STORED) {
      return;
    }
    q.published(new int[] {head}, 1, idx + 1);
    if (crash == Crash.INFLIGHT_CLEARED) {
      record.putShort(14, (short) idx);
    }
  }

  private void offer(int head) {
    driver.desc(driver.ringTable(), head, driver.alloc(16), 16, Virtqueue.F_WRITE, 0);
    driver.offer(head);
  }

  private static List<Integer> poll(Virtqueue device) {
    List<Integer> heads = new ArrayList<>();
    device.poll(c -> heads.add(c.head()));
    return heads;
  }
}
