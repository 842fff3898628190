package io.bmagent.card;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The host's one network port, its policy tables, and the VPC overlay location table. */
public interface NetworkPort {

  /** The port, if configured. */
  Optional<PortState> port();

  /** Creates or reconfigures the port. */
  void configure(PortConfig config);

  /** Removes the port and every policy rule with it; a no-op when there is none. */
  void remove();

  /** Every rule of every policy table. */
  Set<PolicyRule> rules();

  /** Adds rules in order, stopping at the first the card refuses. */
  BatchResult applyRules(List<PolicyRule> rules);

  /** Removes rules in order, stopping at the first the card refuses; rules it does not have count as removed. */
  BatchResult removeRules(List<PolicyRule> rules);

  /** Every overlay location entry. */
  Collection<VpcMapping> mappings();

  /** Inserts or replaces entries in order, stopping at the first the card refuses. */
  BatchResult upsertMappings(List<VpcMapping> mappings);

  /** Removes entries in order; entries it does not have count as removed. */
  BatchResult removeMappings(List<VpcMapping.Key> keys);

  /** The VPC gateways, per VNI. */
  Collection<VpcGateway> gateways();

  /** Inserts or replaces a VPC's gateway. */
  void putGateway(VpcGateway gateway);

  /** Removes a VPC's gateway; a no-op when there is none. */
  void removeGateway(int vni);

  /** What the port's instance metadata service serves, if anything. */
  Optional<InstanceMetadata> metadata();

  /**
   * Replaces what the port's instance metadata service serves; the next request is answered from it. Removing the
   * port removes it too.
   */
  void putMetadata(InstanceMetadata metadata);

  /** Stops serving metadata; a no-op when nothing is served. */
  void removeMetadata();
}
