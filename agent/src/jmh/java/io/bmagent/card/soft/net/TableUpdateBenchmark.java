package io.bmagent.card.soft.net;

import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.card.BatchResult;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.VpcMapping;
import io.bmagent.policy.PolicyCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a control-plane change costs the soft card, one change per measurement: a 1,000-rule security group
 * compiled by {@link PolicyCompiler} and applied to a port in one batch, and 100,000 mappings upserted into an empty
 * table and over a full one (every entry replaced). Each includes publishing the new snapshot to the data path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
@Fork(1)
public class TableUpdateBenchmark {

  private final NetworkInterfaceSpec nic = NetworkInterfaceSpec.newBuilder().setNicId("nic-bench")
      .setPrivateIpv4("10.0.0.10").addSecurityGroupIds("sg-1000").build();
  private final Map<String, SecurityGroup> groups = Map.of("sg-1000", group());
  private final List<VpcMapping> mappings = LoadedPort.mappings(0);
  private final List<VpcMapping> replacements = LoadedPort.mappings(1);
  private SoftNetworkPort empty;
  private SoftNetworkPort full;

  /** 1,000 ingress rules: TCP, each its own port and /24 of 10.0.0.0/8. */
  private static SecurityGroup group() {
    SecurityGroup.Builder g = SecurityGroup.newBuilder().setSecurityGroupId("sg-1000");
    for (int i = 0; i < 1000; i++) {
      g.addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_INGRESS)
          .setProtocol(Protocol.PROTOCOL_TCP).setPorts(PortRange.newBuilder().setFrom(1 + i).setTo(1 + i))
          .setRemoteCidr("10." + (i >> 8) + "." + (i & 0xff) + ".0/24"));
    }
    return g.build();
  }

  @Setup(Level.Iteration)
  public void ports() {
    empty = new SoftNetworkPort(LoadedPort.LIMITS);
    full = new SoftNetworkPort(LoadedPort.LIMITS);
    full.upsertMappings(mappings).orThrow();
  }

  @Benchmark
  public int compileAndApply1000RuleGroup() {
    List<PolicyRule> rules = new ArrayList<>(PolicyCompiler.compile(nic, groups, Map.of(), Optional.empty()));
    return applied(empty.applyRules(rules));
  }

  @Benchmark
  public int upsert100kMappingsIntoEmptyTable() {
    return applied(empty.upsertMappings(mappings));
  }

  @Benchmark
  public int replace100kMappings() {
    return applied(full.upsertMappings(replacements));
  }

  private static int applied(BatchResult r) {
    r.orThrow();
    return r.applied();
  }
}
