package io.bmagent.cli;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;

/**
 * A host's console bytes made safe for the operator's terminal: a guest's escape sequences could otherwise move the
 * cursor, retitle the window or worse, so every control character but newline and tab is shown as '?'. Carriage
 * returns of the serial line's CR LF are dropped.
 */
final class ConsoleText {

  private ConsoleText() {}

  static String printable(ByteString output) {
    // Malformed UTF-8 (a ring starts mid-character, a guest prints binary) decodes to U+FFFD, not an exception.
    String text = output.toString(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\r') {
        continue;
      }
      boolean control = (ch < 0x20 && ch != '\n' && ch != '\t') || (ch >= 0x7f && ch < 0xa0);
      b.append(control ? '?' : ch);
    }
    if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
      b.append('\n');
    }
    return b.toString();
  }
}
