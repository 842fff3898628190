package io.bmagent.card.soft.storage;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/** Where a host block device sends admitted I/O: a remote volume, in practice. */
public interface BlockBackend {
    int blockSize();

    long blocks();

    CompletableFuture<Void> read(long lba, int blocks, ByteBuf dst);

    CompletableFuture<Void> write(long lba, int blocks, ByteBuf src);

    /** Makes every completed write durable on the remote side. */
    CompletableFuture<Void> flush();

    CompletableFuture<Void> discard(long lba, int blocks);

    CompletableFuture<Void> writeZeroes(long lba, int blocks);
}
