package io.bmagent.card;

/**
 * Where a volume's namespace lives in the storage cluster and how to reach it. The DH-HMAC-CHAP secret is carried
 * but never printed: {@link #toString()} leaves it out.
 */
public record NvmeofPath(
    Transport transport,
    String address,
    int port,
    String subsystemNqn,
    int namespaceId,
    String hostNqn,
    String dhchapSecret) {

  @Override
  public String toString() {
    return transport + "://" + address + ":" + port + "/" + subsystemNqn + "/ns" + namespaceId
        + " host=" + hostNqn + (dhchapSecret.isEmpty() ? "" : " chap=<redacted>");
  }
}
