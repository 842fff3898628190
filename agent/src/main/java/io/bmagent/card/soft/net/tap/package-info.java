/**
 * The host port as a Linux TAP device, reached through JNA: the only package of the soft card's network that
 * touches native code. A host "machine" in tests is a network namespace holding the TAP.
 */
package io.bmagent.card.soft.net.tap;
