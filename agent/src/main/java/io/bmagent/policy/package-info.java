/**
 * The policy compiler: turns the NIC's security groups, its network ACL and the elastic IP into the match-action
 * rules of the card's policy tables. Both drivers receive the same rules; the soft card executes them in Java, a
 * hardware card programs them into its eSwitch.
 */
package io.bmagent.policy;
