/**
 * The product's rules, independent of gRPC and of the card: what a valid request is, which limits the product
 * enforces (supported images, cloud system disk, one NIC, no hot-plug, no encrypted or multi-attach disks, no resize),
 * idempotent retries and optimistic concurrency. Every accepted change is committed to the store before it returns.
 */
package io.bmagent.domain;
