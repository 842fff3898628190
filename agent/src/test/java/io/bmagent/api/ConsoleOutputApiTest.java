package io.bmagent.api;

import static io.bmagent.testing.AgentFixture.assertInvalid;
import static io.bmagent.testing.AgentFixture.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.util.Timestamps;
import com.google.rpc.ErrorInfo;
import io.bmagent.api.v1.GetConsoleOutputRequest;
import io.bmagent.api.v1.GetConsoleOutputResponse;
import io.bmagent.testing.AgentTestCase;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GetConsoleOutput over real gRPC against the in-memory card's console ring (4 KiB). */
class ConsoleOutputApiTest extends AgentTestCase {

  private static final Instant AT = Instant.parse("2026-12-03T07:45:01.5Z");

  private GetConsoleOutputResponse read(String instanceId, int maxBytes) {
    return f.instances.getConsoleOutput(GetConsoleOutputRequest.newBuilder().setInstanceId(instanceId)
        .setMaxBytes(maxBytes).build());
  }

  private void hostPrints(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    card.console.append(b, 0, b.length, AT);
  }

  @Test
  void returnsTheLastBytesWithTheirTimeAndTheTotal() {
    f.instances.provisionInstance(Specs.provision(true));
    GetConsoleOutputResponse empty = read("i-1", 0);
    assertEquals("i-1", empty.getInstanceId());
    assertEquals(0, empty.getOutput().size());
    assertEquals(0, empty.getTotalBytes());
    assertFalse(empty.hasTimestamp(), "no byte, no time");

    String printed = "[    0.000000] Linux version 6.1.0\r\n" + "x".repeat(5000) + "\r\nlogin: ";
    hostPrints(printed);
    GetConsoleOutputResponse all = read("i-1", 0);
    assertEquals(4096, all.getOutput().size(), "the default 64 KiB is more than the ring holds");
    assertEquals(printed.length(), all.getTotalBytes());
    assertEquals(Timestamps.fromMillis(AT.toEpochMilli()), all.getTimestamp());
    assertEquals("\r\nlogin: ", read("i-1", 9).getOutput().toStringUtf8());
  }

  @Test
  void theInstanceMustBeTheOneServed() {
    assertEquals(Status.Code.NOT_FOUND, code(() -> read("i-1", 0)), "none provisioned");
    f.instances.provisionInstance(Specs.provision(false));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> read("i-2", 0));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    ErrorInfo info = StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(ErrorInfo.class))
        .map(a -> {
          try {
            return a.unpack(ErrorInfo.class);
          } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new AssertionError(x);
          }
        }).findFirst().orElseThrow();
    assertEquals("INSTANCE_NOT_SERVED", info.getReason());
    assertEquals("i-1", info.getMetadataOrThrow("served_instance_id"));
  }

  @Test
  void badFieldsAreNamed() {
    f.instances.provisionInstance(Specs.provision(false));
    assertInvalid(List.of("instance_id"), () -> read("", 0));
    assertInvalid(List.of("max_bytes"), () -> read("i-1", 1024 * 1024 + 1));
    assertInvalid(List.of("max_bytes"), () -> read("i-1", -1));
    assertEquals(0, read("i-1", 1024 * 1024).getTotalBytes(), "1 MiB is allowed");
  }
}
