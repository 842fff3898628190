/**
 * The lab: everything a bare-metal delivery needs, on one machine with no hardware. The lab's cloud-disk target
 * ({@code lab.target}) stands in for the storage cluster, the soft card for the offload card, a network namespace for
 * the host, and {@link io.bmagent.lab.LabCommand} for the control plane, which provisions through the gRPC API exactly
 * as a real one would.
 */
package io.bmagent.lab;
