package io.bmagent.audit;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies a message with every field whose name contains {@code secret} or {@code password} replaced by {@value #REDACTED} (strings and
 * bytes) or cleared (anything else), at any depth, in repeated fields and map values too. It goes by the descriptor,
 * not by a list of known fields, so a secret added to the API later is redacted without a change here; unknown
 * fields are dropped because a newer client could send a secret this build has no name for. Subtrees whose types can
 * hold no secret are not copied, so a 200,000-entry mapping upsert costs nothing.
 */
public final class Redactor {

  public static final String REDACTED = "[REDACTED]";

  private static final Map<Descriptor, Boolean> MAY_HOLD_SECRET = new ConcurrentHashMap<>();

  private Redactor() {}

  static boolean isSecret(FieldDescriptor f) {
    String name = f.getName().toLowerCase(Locale.ROOT);
    return name.contains("secret") || name.contains("password");
  }

  public static Message redact(Message m) {
    if (!mayHoldSecret(m.getDescriptorForType()) && m.getUnknownFields().asMap().isEmpty()) {
      return m;
    }
    Message.Builder b = m.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance());
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (isSecret(f)) {
        b.clearField(f);
        Object redacted = switch (f.getJavaType()) {
          case STRING -> REDACTED;
          case BYTE_STRING -> ByteString.copyFromUtf8(REDACTED);
          default -> null;
        };
        if (redacted != null && f.isRepeated()) {
          // A repeated secret keeps its length, so the line still says how many there were.
          for (int i = 0; i < ((List<?>) e.getValue()).size(); i++) {
            b.addRepeatedField(f, redacted);
          }
        } else if (redacted != null) {
          b.setField(f, redacted);
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (f.isRepeated()) {
          List<?> values = (List<?>) e.getValue();
          for (int i = 0; i < values.size(); i++) {
            b.setRepeatedField(f, i, redact((Message) values.get(i)));
          }
        } else {
          b.setField(f, redact((Message) e.getValue()));
        }
      }
    }
    return b.build();
  }

  /** Whether a message of this type can contain a field named like a secret, at any depth; cycles end as "no". */
  static boolean mayHoldSecret(Descriptor d) {
    Boolean known = MAY_HOLD_SECRET.get(d);
    if (known != null) {
      return known;
    }
    boolean result = scan(d, new HashSet<>());
    MAY_HOLD_SECRET.put(d, result);
    return result;
  }

  private static boolean scan(Descriptor d, Set<Descriptor> seen) {
    if (!seen.add(d)) {
      return false;
    }
    for (FieldDescriptor f : d.getFields()) {
      if (isSecret(f) || f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && scan(f.getMessageType(), seen)) {
        return true;
      }
    }
    return false;
  }

  /** The redacted message on one line of protobuf text format, cut after {@code limit} characters. */
  public static String toText(Message m, int limit) {
    StringBuilder out = new StringBuilder();
    Appendable bounded = new Appendable() {
      @Override
      public Appendable append(CharSequence s) throws IOException {
        return append(s, 0, s.length());
      }

      @Override
      public Appendable append(CharSequence s, int start, int end) throws IOException {
        out.append(s, start, Math.min(end, start + limit - out.length() + 1));
        if (out.length() > limit) {
          throw new Truncated();
        }
        return this;
      }

      @Override
      public Appendable append(char c) throws IOException {
        return append(String.valueOf(c));
      }
    };
    try {
      TextFormat.printer().emittingSingleLine(true).print(redact(m), bounded);
    } catch (Truncated e) {
      out.setLength(limit);
      out.append("...");
    } catch (IOException e) {
      throw new IllegalStateException("printing to memory failed", e);
    }
    return out.toString().trim();
  }

  /** Stops the printer once the line is long enough: a huge request is not printed to be thrown away. */
  private static final class Truncated extends IOException {
    Truncated() {
      super("truncated");
    }
  }
}
