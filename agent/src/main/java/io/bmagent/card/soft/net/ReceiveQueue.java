package io.bmagent.card.soft.net;

/**
 * Received packets waiting on a file descriptor that a host port's thread serves beside its own device: the
 * underlay's socket, waited for in the same {@code poll} as the TAP. One thread then carries both directions, so a
 * reply needs no other thread's wake-up: a veth delivers in the sender's softirq, and a kernel peer's answer to a
 * packet the thread just sent is usually queued on the socket before its {@code sendto} returns; on a virtual
 * machine, waking the idle vCPU another thread sleeps on cost more than the rest of a ping's round trip. Each
 * direction of the pipeline keeps a single thread, as it needs.
 */
public interface ReceiveQueue {

  /** The descriptor to wait on for input ({@code POLLIN}). */
  int fd();

  /**
   * Handles, without waiting, what is queued, up to a burst, then hands on what the burst left waiting; returns
   * whether there was anything. Called from one thread only.
   */
  boolean drain();
}
