package io.bmagent.daemon;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.concurrent.Executor;

/**
 * Runs the API's unary reads on the transport thread that decoded them. A read only looks at the in-memory desired
 * state and the status book (never the card or the store), so it is shorter than the hand-off to a handler thread
 * it saves: on a busy two-core card, each extra thread wake-up is where tail latency comes from. Everything else
 * (mutations wait for fsync; streams live long) goes to the handler pool.
 */
final class ReadsOnEventLoop implements ServerCallExecutorSupplier {

  @Override
  public <Q, A> Executor getExecutor(ServerCall<Q, A> call, Metadata metadata) {
    return isRead(call.getMethodDescriptor().getFullMethodName(), call.getMethodDescriptor().getType())
        ? MoreExecutors.directExecutor() : null;
  }

  static boolean isRead(String fullMethodName, MethodType type) {
    if (type != MethodType.UNARY) {
      return false;
    }
    if (fullMethodName.equals("grpc.health.v1.Health/Check")) {
      return true;
    }
    int slash = fullMethodName.indexOf('/');
    String method = fullMethodName.substring(slash + 1);
    // GetConsoleOutput reads the card (a file, a native call) and copies up to a MiB: not a read of memory.
    return fullMethodName.startsWith("bmagent.v1.") && (method.startsWith("Get") || method.startsWith("List"))
        && !method.equals("GetConsoleOutput");
  }
}
