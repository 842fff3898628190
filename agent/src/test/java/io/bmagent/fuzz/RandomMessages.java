package io.bmagent.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * Well-formed protobuf messages of a given type with hostile values: empty, huge and non-ASCII strings, negative and
 * overflowing numbers, enum numbers no release defines, long repeated fields, and trailing fields the schema does not
 * have. Hostile, but what any client library could send, so the agent must answer each with a clean status.
 */
final class RandomMessages {

  private static final int MAX_DEPTH = 5;
  private static final long[] EDGES = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
      Long.MIN_VALUE, 0xFF_FFFFL, 0x100_0000L, 65_535, 65_536, 4096, 3_600_000, 86_400_001};

  private final Random random;
  private int budget = 1 << 20;

  RandomMessages(Random random) {
    this.random = random;
  }

  /** The message's wire bytes, with an unknown field appended now and then. */
  byte[] bytes(Descriptor type) {
    byte[] known = message(type, 0).toByteArray();
    if (random.nextInt(4) != 0) {
      return known;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(known);
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    try {
      int number = 1000 + random.nextInt(100_000);
      switch (random.nextInt(3)) {
        case 0 -> c.writeUInt64(number, random.nextLong());
        case 1 -> c.writeString(number, string());
        default -> c.writeFixed32(number, random.nextInt());
      }
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  DynamicMessage message(Descriptor type, int depth) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    for (FieldDescriptor f : type.getFields()) {
      if (random.nextInt(3) == 0 || (depth >= MAX_DEPTH && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
        continue;
      }
      if (f.isRepeated()) {
        int n = random.nextInt(20) == 0 ? 200 + random.nextInt(2000) : random.nextInt(4);
        for (int i = 0; i < n; i++) {
          b.addRepeatedField(f, value(f, depth));
        }
      } else if (f.getRealContainingOneof() == null || !b.hasOneof(f.getRealContainingOneof())) {
        b.setField(f, value(f, depth));
      }
    }
    return b.build();
  }

  private Object value(FieldDescriptor f, int depth) {
    return switch (f.getJavaType()) {
      case INT -> (int) number();
      case LONG -> number();
      case FLOAT -> random.nextFloat();
      case DOUBLE -> random.nextDouble();
      case BOOLEAN -> random.nextBoolean();
      case STRING -> string();
      case BYTE_STRING -> ByteString.copyFromUtf8(string());
      case ENUM -> f.getEnumType().findValueByNumberCreatingIfUnknown(random.nextInt(4) == 0
          ? (int) number() : random.nextInt(f.getEnumType().getValues().size() + 1));
      case MESSAGE -> message(f.getMessageType(), depth + 1);
    };
  }

  private long number() {
    return random.nextBoolean() ? EDGES[random.nextInt(EDGES.length)] : random.nextLong() >> random.nextInt(64);
  }

  private String string() {
    return switch (random.nextInt(8)) {
      case 0 -> "";
      case 1 -> huge();
      case 2 -> plausible();
      case 3 -> "é\u0000☃\uD83D\uDE00/../%s\n";
      case 4 -> Long.toString(random.nextLong());
      case 5 -> "10.0." + random.nextInt(300) + "." + (random.nextInt(600) - 100) + (random.nextBoolean() ? "/"
          + (random.nextInt(40) - 3) : "");
      default -> Integer.toHexString(random.nextInt());
    };
  }

  /** A long string while the message's budget lasts, so one request stays around a megabyte at most. */
  private String huge() {
    int n = Math.min(budget, 100_000 + random.nextInt(400_000));
    budget -= n;
    return "x".repeat(Math.max(n, 300));
  }

  /** Values a valid request carries, so that some requests get past validation into the domain. */
  private String plausible() {
    String[] values = {"i-1", "vol-boot", "vol-d1", "eni-1", "sg-ssh", "acl-1", "02:00:00:00:00:01",
        "10.0.1.10", "10.0.1.0/24", "203.0.113.7", "127.0.0.1", "4420", "nqn.2026-11.io.bmagent:vol-d1",
        "ebm.g6.8xlarge", "CentOS", "7.6", "img-centos-7.6", "0.0.0.0/0", "req-1"};
    return values[random.nextInt(values.length)];
  }
}
