package io.bmagent.daemon;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON text (RFC 8259) parsed into values that remember where they start, so that a configuration file's
 * mistakes, in its syntax or in its meaning, are reported at their line and column. Small on purpose: an operator's
 * file of a few kilobytes, read once at start-up; protobuf's JsonFormat reports no position for a field it rejects.
 */
final class JsonDocument {

  /** A value and the offset of its first character; {@code value} is one of the types listed by {@link #kind}. */
  record Value(Object value, int offset) {

    /** The JSON type as a message names it. */
    String kind() {
      if (value instanceof Map) {
        return "an object";
      }
      if (value instanceof List) {
        return "an array";
      }
      if (value instanceof String) {
        return "a string";
      }
      if (value instanceof Boolean) {
        return "a boolean";
      }
      return value instanceof BigDecimal ? "a number" : "null";
    }
  }

  /** A member of an object: its key's offset, for errors about the key, and its value. */
  record Member(int keyOffset, Value value) {}

  /** What is wrong and where, as an offset; {@link #line} and {@link #column} turn it into a position. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final int offset;

    Problem(String message, int offset) {
      super(message);
      this.offset = offset;
    }
  }

  /** JSON's null: no Java null inside a document. */
  private static final Object NULL = new Object();
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  /** RFC 8259 section 2: tab, line feed, carriage return, space; sorted for the search. */
  private static final char[] WHITESPACE = {'\t', '\n', '\r', ' '};

  private final String text;
  private int pos;

  private JsonDocument(String text) {
    this.text = text;
  }

  /** Parses one JSON value filling the whole text (whitespace around it allowed). */
  static Value parse(String text) throws Problem {
    JsonDocument d = new JsonDocument(text);
    Value v = d.value();
    d.whitespace();
    if (d.pos < text.length()) {
      throw new Problem("unexpected text after the JSON value", d.pos);
    }
    return v;
  }

  /** The 1-based line of an offset. */
  static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The 1-based column of an offset, in characters. */
  static int column(String text, int offset) {
    int start = text.lastIndexOf('\n', Math.min(offset, text.length()) - 1) + 1;
    return offset - start + 1;
  }

  private Value value() throws Problem {
    whitespace();
    int at = pos;
    if (pos >= text.length()) {
      throw new Problem("expected a value, found the end of the file", at);
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> new Value(object(), at);
      case '[' -> new Value(array(), at);
      case '"' -> new Value(string(), at);
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield new Value(number(), at);
        }
        throw new Problem("expected a value, found '" + c + "'", at);
      }
    };
  }

  private Map<String, Member> object() throws Problem {
    Map<String, Member> members = new LinkedHashMap<>();
    pos++;
    whitespace();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      whitespace();
      int keyAt = pos;
      if (peek() != '"') {
        throw new Problem("expected a key in double quotes", pos);
      }
      String key = string();
      if (members.containsKey(key)) {
        throw new Problem("duplicate key \"" + key + "\"", keyAt);
      }
      whitespace();
      expect(':');
      members.put(key, new Member(keyAt, value()));
      whitespace();
      if (peek() == ',') {
        pos++;
      } else if (peek() == '}') {
        pos++;
        return members;
      } else {
        throw new Problem("expected ',' or '}' after a member", pos);
      }
    }
  }

  private List<Value> array() throws Problem {
    List<Value> items = new ArrayList<>();
    pos++;
    whitespace();
    if (peek() == ']') {
      pos++;
      return items;
    }
    while (true) {
      items.add(value());
      whitespace();
      if (peek() == ',') {
        pos++;
      } else if (peek() == ']') {
        pos++;
        return items;
      } else {
        throw new Problem("expected ',' or ']' after an element", pos);
      }
    }
  }

  private String string() throws Problem {
    int start = pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new Problem("unterminated string", start);
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw new Problem("a control character in a string must be escaped", pos - 1);
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw new Problem("unterminated string", start);
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length() || !text.substring(pos, pos + 4).matches("[0-9A-Fa-f]{4}")) {
            throw new Problem("\\u must be followed by four hex digits", pos - 2);
          }
          b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> throw new Problem("unknown escape \\" + e, pos - 2);
      }
    }
  }

  private BigDecimal number() throws Problem {
    int start = pos;
    Matcher m = NUMBER.matcher(text).region(pos, text.length());
    if (!m.lookingAt()) {
      throw new Problem("malformed number", start);
    }
    pos = m.end();
    return new BigDecimal(text.substring(start, pos));
  }

  private Value literal(String word, Object value) throws Problem {
    int at = pos;
    if (!text.startsWith(word, pos)) {
      throw new Problem("expected a value (strings are in double quotes)", at);
    }
    pos += word.length();
    return new Value(value, at);
  }

  private void expect(char c) throws Problem {
    if (peek() != c) {
      throw new Problem("expected '" + c + "'", pos);
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void whitespace() {
    while (pos < text.length() && Arrays.binarySearch(WHITESPACE, text.charAt(pos)) >= 0) {
      pos++;
    }
  }
}
