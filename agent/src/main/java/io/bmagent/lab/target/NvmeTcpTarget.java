package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduDecoder;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduEncoder;
import io.bmagent.card.soft.nvmetcp.PduCodecConfig;
import io.bmagent.card.soft.nvmetcp.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lab NVMe/TCP target. Subsystems and namespaces survive {@link #stop()}; connections and
 * controllers do not, which is how tests simulate a storage outage. {@link #start()} rebinds the
 * port chosen the first time.
 */
public final class NvmeTcpTarget implements AutoCloseable {
  private final TargetOptions options;
  private final EventLoopGroup group;
  private final Map<String, Subsystem> subsystems = new ConcurrentHashMap<>();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel server;
  private int port;
  private volatile boolean hung;
  private final List<Consumer<TargetEvent>> listeners = new CopyOnWriteArrayList<>();

  public NvmeTcpTarget(TargetOptions options) {
    this.options = options;
    this.port = options.port;
    this.group = Transports.newGroup("nvme-target", options.threads, options.polling);
  }

  /** A subsystem added while the target runs is powered on at once: its SMART log counts from here. */
  public synchronized Subsystem addSubsystem(String nqn) {
    Subsystem s = subsystems.computeIfAbsent(nqn, n -> new Subsystem(n, options.dataDir, this::emit, options));
    if (server != null) {
      s.health().powerOn();
    }
    return s;
  }

  /** Called on event-loop threads for every {@link TargetEvent}; keep it short. */
  public void addListener(Consumer<TargetEvent> listener) {
    listeners.add(listener);
  }

  void event(TargetEvent e) {
    emit(e);
  }

  private void emit(TargetEvent e) {
    listeners.forEach(l -> l.accept(e));
  }

  public Subsystem subsystem(String nqn) {
    return subsystems.get(nqn);
  }

  /** Starts listening on all addresses; returns the port. */
  public synchronized int start() throws InterruptedException {
    if (server != null) {
      return port;
    }
    int maxData = Math.max(Math.max(options.maxH2cData, options.inCapsuleDataSize), Nvme.ADMIN_INCAPSULE_SIZE);
    ServerBootstrap b = new ServerBootstrap().group(group).channel(Transports.serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ch.config().setAutoRead(!hung);
            PduCodecConfig codec = new PduCodecConfig(false, maxData);
            // Responses to the commands of one read go out in one flush at read complete.
            ch.pipeline().addLast(new FlushConsolidationHandler(256, true), new NvmeTcpPduEncoder(codec),
                new NvmeTcpPduDecoder(codec), new TargetConnection(NvmeTcpTarget.this, options, codec));
          }
        });
    server = b.bind(new InetSocketAddress(port)).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
    // Each start is a power cycle of every subsystem (SMART Power Cycles, Power On Hours).
    subsystems.values().forEach(s -> s.health().powerOn());
    return port;
  }

  /** Stops listening and drops every connection, as a storage outage would. */
  public synchronized void stop() throws InterruptedException {
    if (server != null) {
      server.close().sync();
      server = null;
    }
    connections.close().sync();
    subsystems.values().forEach(s -> s.health().powerOff());
  }

  /**
   * Stops (or resumes) reading from every connection, current and new, while keeping them open:
   * a storage node that hangs rather than dies, which only command timeouts can detect.
   */
  public void hang(boolean hang) {
    hung = hang;
    for (Channel ch : connections) {
      // On the channel's loop, so no read is in flight once this returns.
      ch.eventLoop().submit(() -> ch.config().setAutoRead(!hang)).syncUninterruptibly();
    }
  }

  public synchronized boolean running() {
    return server != null;
  }

  public synchronized int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    subsystems.values().forEach(Subsystem::closeAll);
  }
}
