package io.bmagent.daemon.systemd;

import io.bmagent.card.BlockDevices;
import io.bmagent.card.Card;
import io.bmagent.card.CardInfo;
import io.bmagent.card.CardListener;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.HostPower;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.PowerState;
import io.bmagent.testing.MemoryCard;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** A memory card whose power queries, which every reconcile pass makes, wait until the gate opens: a hung card. */
final class GatedCard implements Card {

  private final MemoryCard card = new MemoryCard();
  private final CountDownLatch gate = new CountDownLatch(1);

  void open() {
    gate.countDown();
  }

  @Override
  public CardInfo info() {
    return card.info();
  }

  @Override
  public HostPower host() {
    HostPower host = card.host();
    return new HostPower() {
      @Override
      public PowerState state() {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return host.state();
      }

      @Override
      public void powerOn() {
        host.powerOn();
      }

      @Override
      public void powerOff(boolean force, Duration gracefulTimeout) {
        host.powerOff(force, gracefulTimeout);
      }

      @Override
      public void reset() {
        host.reset();
      }

      @Override
      public ConsoleOutput console(int maxBytes) {
        return host.console(maxBytes);
      }
    };
  }

  @Override
  public BlockDevices storage() {
    return card.storage();
  }

  @Override
  public NetworkPort network() {
    return card.network();
  }

  @Override
  public void setListener(CardListener listener) {
    card.setListener(listener);
  }

  @Override
  public void close() {
    open();
    card.close();
  }
}
