package io.bmagent.card.soft.storage;

import io.bmagent.card.soft.nvmetcp.NamespaceInfo;
import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * A namespace reached through the NVMe/TCP initiator. The controller can be replaced by one to the
 * same namespace, so a host device outlives the controller that failed under it.
 */
public final class NvmeNamespaceBackend implements BlockBackend {
  private volatile NvmeTcpController controller;
  private final int nsid;
  private final NamespaceInfo info;

  /** The controller must be connected so the namespace's geometry is known. */
  public NvmeNamespaceBackend(NvmeTcpController controller, int nsid) {
    this.controller = controller;
    this.nsid = nsid;
    this.info = controller.namespace(nsid);
    if (info == null) {
      throw new IllegalArgumentException("namespace " + nsid + " not found on the controller");
    }
  }

  /**
   * Sends I/O to {@code replacement} from now on; it must serve the same namespace with the same
   * geometry, which the caller checks.
   */
  public void controller(NvmeTcpController replacement) {
    this.controller = replacement;
  }

  @Override
  public int blockSize() {
    return info.blockSize();
  }

  @Override
  public long blocks() {
    return info.blocks();
  }

  @Override
  public CompletableFuture<Void> read(long lba, int blocks, ByteBuf dst) {
    return controller.read(nsid, lba, blocks, dst);
  }

  @Override
  public CompletableFuture<Void> write(long lba, int blocks, ByteBuf src) {
    return controller.write(nsid, lba, blocks, src);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return controller.flush(nsid);
  }

  @Override
  public CompletableFuture<Void> discard(long lba, int blocks) {
    return controller.deallocate(nsid, lba, blocks);
  }

  @Override
  public CompletableFuture<Void> writeZeroes(long lba, int blocks) {
    return controller.writeZeroes(nsid, lba, blocks);
  }
}
