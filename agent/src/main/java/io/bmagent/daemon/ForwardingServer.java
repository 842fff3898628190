package io.bmagent.daemon;

import io.grpc.Server;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server with an action after it binds and one after it terminates. */
final class ForwardingServer extends Server {

  private final Server delegate;
  private final Runnable afterStart;
  private final Runnable afterTermination;

  ForwardingServer(Server delegate, Runnable afterStart, Runnable afterTermination) {
    this.delegate = delegate;
    this.afterStart = afterStart;
    this.afterTermination = afterTermination;
  }

  @Override
  public Server start() throws IOException {
    delegate.start();
    afterStart.run();
    return this;
  }

  @Override
  public List<? extends SocketAddress> getListenSockets() {
    return delegate.getListenSockets();
  }

  @Override
  public Server shutdown() {
    delegate.shutdown();
    return this;
  }

  @Override
  public Server shutdownNow() {
    delegate.shutdownNow();
    afterTermination.run();
    return this;
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    boolean done = delegate.awaitTermination(timeout, unit);
    if (done) {
      afterTermination.run();
    }
    return done;
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    delegate.awaitTermination();
    afterTermination.run();
  }
}
