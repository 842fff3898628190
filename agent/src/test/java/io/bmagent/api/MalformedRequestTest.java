package io.bmagent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.io.ByteStreams;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the generated stubs would refuse to encode, sent as raw bytes over a real socket: each is
 * INVALID_ARGUMENT naming the field (or the message), and nothing is logged above WARNING.
 */
class MalformedRequestTest {

  static final byte[] BAD_UTF8 = {'v', 'o', 'l', (byte) 0xC3, 0x28};

  @TempDir Path dir;
  AgentFixture f;
  final List<LogRecord> loud = new ArrayList<>();
  final Handler watch = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() > Level.WARNING.intValue()) {
        synchronized (loud) {
          loud.add(r);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void start() throws Exception {
    Logger.getLogger("").addHandler(watch);
    f = new AgentFixture(dir, new MemoryCard());
  }

  @AfterEach
  void stop() {
    f.close();
    Logger.getLogger("").removeHandler(watch);
    synchronized (loud) {
      assertEquals(List.of(), loud.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
    }
  }

  @Test
  void invalidUtf8InATopLevelIdNamesTheField() {
    StatusRuntimeException e = call("bmagent.v1.VolumeService/GetVolume", field(1, BAD_UTF8));
    assertField(e, "volume_id");
  }

  @Test
  void invalidUtf8DeepInASpecNamesItsPath() {
    byte[] target = concat(field(2, BAD_UTF8));
    byte[] spec = concat(field(1, "vol-1".getBytes(StandardCharsets.UTF_8)), field(4, target));
    assertField(call("bmagent.v1.VolumeService/AttachVolume", field(1, spec)), "spec.target.address");
  }

  @Test
  void invalidUtf8InARepeatedFieldNamesItsIndex() {
    byte[] req = concat(field(1, "a".getBytes(StandardCharsets.UTF_8)), field(1, "b".getBytes(StandardCharsets.UTF_8)),
        field(1, BAD_UTF8));
    assertField(call("bmagent.v1.VolumeService/ThawVolumes", req), "volume_ids[2]");
  }

  @Test
  void invalidUtf8InAMapNamesTheMap() {
    byte[] entry = concat(field(1, "team".getBytes(StandardCharsets.UTF_8)), field(2, BAD_UTF8));
    byte[] spec = concat(field(5, entry));
    byte[] req = concat(field(1, "i-1".getBytes(StandardCharsets.UTF_8)), field(2, spec));
    assertField(call("bmagent.v1.InstanceService/ProvisionInstance", req), "spec.labels");
  }

  @Test
  void undecodableBytesNameTheMessage() {
    // A length prefix running past the end of the message: no protobuf parser can decode it.
    StatusRuntimeException e = call("bmagent.v1.NetworkService/ListVpcMappings", new byte[] {0x1a, 0x7f, 'x'});
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
    assertTrue(e.getStatus().getDescription().contains("bmagent.v1.ListVpcMappingsRequest"), e.toString());
    assertEquals("MALFORMED_REQUEST", detail(e, ErrorInfo.class).getReason());
    // The agent goes on serving, on the same connection.
    assertEquals(Status.Code.NOT_FOUND, call("bmagent.v1.VolumeService/GetVolume",
        field(1, "vol-1".getBytes(StandardCharsets.UTF_8))).getStatus().getCode());
  }

  @Test
  void aStreamingCallWithABadRequestIsRefusedToo() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingServerStreamingCall(
        f.channel, method("bmagent.v1.AgentService/WatchEvents", MethodDescriptor.MethodType.SERVER_STREAMING),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), field(2, BAD_UTF8)).hasNext());
    assertField(e, "resource_types[0]");
  }

  /** A second gRPC implementation (Python grpcio, C core) sends the same bytes. */
  @Test
  void pythonGrpcioClientGetsInvalidArgumentNamingTheField() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "skipped: /usr/bin/python3 is not installed");
    Process probe = new ProcessBuilder(python.toString(), "-c", "import grpc").redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    assumeTrue(probe.waitFor() == 0, "skipped: /usr/bin/python3 has no grpc module (apt-get install python3-grpcio)");
    Path script = dir.resolve("malformed_requests.py");
    try (InputStream in = getClass().getResourceAsStream("/python/malformed_requests.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process p = new ProcessBuilder(python.toString(), script.toString(), "127.0.0.1:" + f.agent.port())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("GetVolume INVALID_ARGUMENT invalid request: volume_id: is not valid UTF-8"), out);
    assertTrue(out.contains("ListVpcMappings INVALID_ARGUMENT invalid request: not a valid encoding of"
        + " bmagent.v1.ListVpcMappingsRequest"), out);
  }

  private StatusRuntimeException call(String name, byte[] request) {
    return assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(f.channel,
        method(name, MethodDescriptor.MethodType.UNARY), CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        request));
  }

  private static void assertField(StatusRuntimeException e, String field) {
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
    assertEquals(List.of(field), detail(e, BadRequest.class).getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getField).toList(), e.toString());
    assertTrue(e.getStatus().getDescription().contains(field), e.toString());
  }

  private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
    for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
      if (any.is(type)) {
        try {
          return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + e);
  }

  static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setFullMethodName(name).setType(type)
        .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
  }

  static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return ByteStreams.toByteArray(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** A length-delimited field (wire type 2) with a one-byte length, as protobuf's encoding guide lays it out. */
  static byte[] field(int number, byte[] value) {
    assertTrue(value.length < 128);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(number << 3 | 2);
    b.write(value.length);
    b.writeBytes(value);
    return b.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
