package io.bmagent.card.nativelib;

import io.bmagent.card.BatchResult;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PowerState;
import io.bmagent.card.RuleAction;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of crossing into the card library: one bare JNA call, one SPI call, and a reconciler-sized
 * batch of policy rules applied and removed again, all against the simulator.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NativeCardBenchmark {

  private static final int BATCH = 1000;

  private NativeCard card;
  private BmdpuLibrary library;
  private List<PolicyRule> rules;

  @Setup(Level.Trial)
  public void open() {
    library = BmdpuLibraryLoader.library();
    card = NativeCard.open("max_rules=" + (2 * BATCH));
    rules = IntStream.range(0, BATCH).mapToObj(i -> new PolicyRule(PolicyTable.SG_INGRESS, 0, Protocol.TCP,
        Ipv4Prefix.ANY, PortRange.single(i + 1), RuleAction.ALLOW, Ipv4Address.ANY)).toList();
  }

  @TearDown(Level.Trial)
  public void close() {
    card.close();
  }

  @Benchmark
  public int abiVersion() {
    return library.bmdpu_abi_version();
  }

  @Benchmark
  public PowerState hostPowerState() {
    return card.host().state();
  }

  @Benchmark
  public int applyAndRemove1000Rules() {
    BatchResult applied = card.network().applyRules(rules);
    BatchResult removed = card.network().removeRules(rules);
    applied.orThrow();
    removed.orThrow();
    return applied.applied() + removed.applied();
  }
}
