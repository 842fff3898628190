package io.bmagent.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the field of a request that protobuf refused to parse for invalid UTF-8. The parser only says "invalid
 * UTF-8"; this walks the encoded message with its descriptor (protobuf encoding: tag, wire type, length-delimited
 * strings and sub-messages) and names the first string field whose bytes are not UTF-8, as a path such as
 * {@code spec.target.address} or {@code volume_ids[2]}.
 */
final class MalformedFields {

  /** Deep enough for every message of the API; deeper input is named by its message, not its field. */
  private static final int MAX_DEPTH = 16;

  private MalformedFields() {}

  static Optional<String> invalidUtf8(Descriptor type, byte[] bytes) {
    try {
      return Optional.ofNullable(walk(type, CodedInputStream.newInstance(bytes), "", 0));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String walk(Descriptor type, CodedInputStream in, String prefix, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      return null;
    }
    Map<Integer, Integer> seen = new HashMap<>();
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      FieldDescriptor f = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
      if (f == null || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED
          || (f.getType() != FieldDescriptor.Type.STRING && f.getType() != FieldDescriptor.Type.MESSAGE)) {
        in.skipField(tag);
        continue;
      }
      int index = seen.merge(f.getNumber(), 1, Integer::sum) - 1;
      String path = prefix + f.getName() + (f.isRepeated() && !f.isMapField() ? "[" + index + "]" : "");
      ByteString value = in.readBytes();
      if (f.getType() == FieldDescriptor.Type.STRING) {
        if (!value.isValidUtf8()) {
          return path;
        }
      } else if (f.isMapField()) {
        if (walk(f.getMessageType(), value.newCodedInput(), "", depth + 1) != null) {
          return path;
        }
      } else {
        String inner = walk(f.getMessageType(), value.newCodedInput(), path + ".", depth + 1);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }
}
