package io.bmagent.reliability;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One request a control plane sends, and what its OK reply means for the ledger. Every mutation is safe to send
 * again unchanged, as a control plane does after a lost reply: puts and attaches are idempotent by content, detaches
 * and deletes allow the missing, power requests carry a request id.
 */
record Mutation(String name, Function<ManagedChannel, Message> call, BiConsumer<Ledger, Message> onAck) {

  @Override
  public String toString() {
    return name;
  }
}
