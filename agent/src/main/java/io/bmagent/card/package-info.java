/**
 * The card SPI: the small, batched contract between the agent and the offload card, and the discovery of the
 * drivers that implement it. Nothing above this package knows which card it runs on.
 *
 * <p>Every group of operations follows one shape: observe what the card has, apply, remove. Batched calls report how
 * far they got, so the reconciler can resume a partly applied batch instead of starting over.
 */
package io.bmagent.card;
