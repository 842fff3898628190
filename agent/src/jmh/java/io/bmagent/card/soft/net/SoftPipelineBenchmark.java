package io.bmagent.card.soft.net;

import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The data path's cost on one core, with 1,000 security-group rules and 100,000 mappings loaded: a packet of an
 * established flow each way (the fast path: conntrack hit, cached verdict, in-place VXLAN encapsulation or
 * decapsulation), and the first packet of a new flow (the slow path: ACL and security-group walk, route lookup,
 * conntrack insert). Frames are 54-byte TCP segments; each benchmark copies every frame into the pipeline's buffer
 * first, as a port's read does, and the sinks only count.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SoftPipelineBenchmark {

  /** Established flows per batch, each to another of the 100,000 mapped peers. */
  private static final int BATCH = 256;

  private SoftNetworkPort port;
  private SoftPipeline pipeline;
  private byte[][] fromHost;
  private byte[][] fromPeer;
  private int[] peerCard;
  private byte[] buffer;
  private byte[] syn;
  private long sent;
  private int nextFlow;

  /**
   * Once per run, so that the 100,000 mappings are old-generation data by the measurement, as on a card that has
   * been running, rather than copied by every young collection.
   */
  @Setup(Level.Trial)
  public void load() {
    port = LoadedPort.create();
    pipeline = port.pipeline((b, o, l) -> sent += l, (ip, sp, b, o, l) -> sent += l);
    fromHost = new byte[BATCH][];
    fromPeer = new byte[BATCH][];
    peerCard = new int[BATCH];
    for (int i = 0; i < BATCH; i++) {
      int peer = (int) ((long) i * 389 % LoadedPort.MAPPINGS);
      byte[] open = LoadedPort.fromHost(peer, 40_000 + i, Tcp.SYN);
      pipeline.fromHost(open, SoftPipeline.HEADROOM, open.length - SoftPipeline.HEADROOM);
      fromHost[i] = LoadedPort.fromHost(peer, 40_000 + i, Tcp.ACK | Tcp.PSH);
      fromPeer[i] = LoadedPort.fromPeer(peer, 40_000 + i, Tcp.ACK | Tcp.PSH);
      peerCard[i] = LoadedPort.card(peer);
    }
    buffer = new byte[SoftPipeline.HEADROOM + 54];
    syn = LoadedPort.fromHost(0, 1024, Tcp.SYN);
    nextFlow = 0;
  }

  @TearDown(Level.Iteration)
  public void check() {
    long dropped = port.counters().stats(0).drops().values().stream().mapToLong(Long::longValue).sum();
    if (dropped != 0) {
      throw new IllegalStateException("the benchmark's packets were dropped: " + port.counters().stats(0).drops());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BATCH)
  public long establishedHostToUnderlay() {
    for (byte[] frame : fromHost) {
      System.arraycopy(frame, SoftPipeline.HEADROOM, buffer, SoftPipeline.HEADROOM, 54);
      pipeline.fromHost(buffer, SoftPipeline.HEADROOM, 54);
    }
    return sent;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BATCH)
  public long establishedUnderlayToHost() {
    for (int i = 0; i < BATCH; i++) {
      byte[] packet = fromPeer[i];
      System.arraycopy(packet, 0, buffer, 0, packet.length);
      pipeline.fromUnderlay(peerCard[i], buffer, 0, packet.length);
    }
    return sent;
  }

  /**
   * One SYN of a new 5-tuple per operation: local ports 1024-65023 to each of the mapped peers in turn. The
   * conntrack table grows by one entry per operation over the whole run (a few million at most, below the limit the
   * teardown would notice), so the figure includes the table's growth.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long newFlow() {
    int n = nextFlow++;
    int f = SoftPipeline.HEADROOM;
    System.arraycopy(syn, f, buffer, f, 54);
    Bytes.put32(buffer, f + 14 + 16, LoadedPort.peer(n / 64_000 % LoadedPort.MAPPINGS));
    Ipv4.updateChecksum(buffer, f + 14);
    Bytes.put16(buffer, f + 34, 1024 + n % 64_000);
    pipeline.fromHost(buffer, f, 54);
    return sent;
  }
}
