package io.bmagent.card;

/** NVMe-oF transports (NVMe over Fabrics 1.1, 5.3: TRTYPE). */
public enum Transport {
  TCP,
  RDMA
}
