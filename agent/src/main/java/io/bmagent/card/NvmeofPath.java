package io.bmagent.card;

/**
 * Where a volume's namespace lives in the storage cluster and how to reach it, with the digests to ask for (TCP only).
 * The DH-HMAC-CHAP secret is carried but never printed: {@link #toString()} leaves it out.
 */
public record NvmeofPath(
    Transport transport,
    String address,
    int port,
    String subsystemNqn,
    int namespaceId,
    String hostNqn,
    String dhchapSecret,
    Digests digests) {

  @Override
  public String toString() {
    return transport + "://" + address + ":" + port + "/" + subsystemNqn + "/ns" + namespaceId
        + " host=" + hostNqn + (dhchapSecret.isEmpty() ? "" : " chap=<redacted>")
        + (digests.any() ? " digests=" + digests : "");
  }
}
