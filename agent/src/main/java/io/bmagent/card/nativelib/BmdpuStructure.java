package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Base of the ABI's fixed-size structs. The C structs carry explicit padding, so the default
 * alignment reproduces their layout exactly; {@code BmdpuLayoutTest} pins the sizes.
 */
public abstract class BmdpuStructure extends Structure {

  protected BmdpuStructure() {
    super();
  }

  protected BmdpuStructure(Pointer p) {
    super(p);
  }

  /** Copies {@code value} as UTF-8 into a NUL-terminated char array, rejecting what does not fit. */
  static void putString(byte[] field, String value, String name) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= field.length) {
      throw new IllegalArgumentException(
          name + " is " + bytes.length + " bytes, the card takes at most " + (field.length - 1));
    }
    Arrays.fill(field, (byte) 0);
    System.arraycopy(bytes, 0, field, 0, bytes.length);
  }

  /** Reads a NUL-terminated char array. */
  static String getString(byte[] field) {
    int n = 0;
    while (n < field.length && field[n] != 0) {
      n++;
    }
    return new String(field, 0, n, StandardCharsets.UTF_8);
  }
}
