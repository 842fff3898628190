package io.bmagent.card.nativelib;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An open card handle and its event subscription. Calls go straight to {@link #library()} with
 * {@link #handle()}; this class only owns what must outlive single calls: the handle, and the
 * callback object, which the native side holds by address and so must stay reachable while it is
 * registered. Events are copied on the card's thread and delivered to the listener on a
 * single-threaded executor, in order, so no Java work runs on the native thread.
 */
public final class BmdpuCard implements AutoCloseable {
  private final BmdpuLibrary library;
  private final Pointer handle;
  private BmdpuLibrary.EventCallback callback;
  private ExecutorService delivery;
  private boolean closed;

  private BmdpuCard(BmdpuLibrary library, Pointer handle) {
    this.library = library;
    this.handle = handle;
  }

  /** Opens a card with an implementation-defined "key=value;..." configuration. */
  public static BmdpuCard open(BmdpuLibrary library, String config) {
    PointerByReference out = new PointerByReference();
    BmdpuErrors.check(library.bmdpu_card_open(config, out), "card_open");
    return new BmdpuCard(library, out.getValue());
  }

  public BmdpuLibrary library() {
    return library;
  }

  /** The native handle; valid until {@link #close()}. */
  public synchronized Pointer handle() {
    if (closed) {
      throw new IllegalStateException("card closed");
    }
    return handle;
  }

  /** Sends the card's events to {@code listener}, replacing any previous listener. */
  public synchronized void subscribe(Consumer<CardEvent> listener) {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bmdpu-events");
      t.setDaemon(true);
      return t;
    });
    BmdpuLibrary.EventCallback cb = (event, userdata) -> {
      CardEvent copy = new Event(event).copy();
      executor.execute(() -> listener.accept(copy));
    };
    // Keeps the card's thread attached to the JVM between events, as a daemon with a clear name.
    Native.setCallbackThreadInitializer(cb, new CallbackThreadInitializer(true, false, "bmdpu-card"));
    try {
      BmdpuErrors.check(library.bmdpu_events_subscribe(handle(), cb, null), "events_subscribe");
    } catch (BmdpuException e) {
      executor.shutdown();
      throw e;
    }
    replaceSubscription(cb, executor);
  }

  /** Stops event delivery; events already handed to the listener still run. */
  public synchronized void unsubscribe() {
    BmdpuErrors.check(library.bmdpu_events_subscribe(handle(), null, null), "events_subscribe");
    replaceSubscription(null, null);
  }

  /** The native side no longer runs the old callback here, so its executor can go. */
  private void replaceSubscription(BmdpuLibrary.EventCallback cb, ExecutorService executor) {
    if (delivery != null) {
      delivery.shutdown();
    }
    callback = cb;
    delivery = executor;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    BmdpuErrors.check(library.bmdpu_card_close(handle), "card_close");
    closed = true;
    replaceSubscription(null, null);
  }
}
