package io.bmagent.domain;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every bad field of a request, so that one reply names them all. */
final class Violations {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

  private final List<FieldViolation> list = new ArrayList<>();

  void add(String field, String description) {
    list.add(new FieldViolation(field, description));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  void throwIfAny() {
    if (!list.isEmpty()) {
      throw DomainException.invalid(list);
    }
  }

  /** Refuses at once a request whose only id is empty or malformed: an empty id is a bug, not a missing resource. */
  static void requireId(String field, String value, int maxLength) {
    Violations v = new Violations();
    v.id(field, value, maxLength);
    v.throwIfAny();
  }

  void id(String field, String value, int maxLength) {
    if (value.isEmpty()) {
      add(field, "is required");
    } else if (value.length() > maxLength || !ID.matcher(value).matches()) {
      add(field, "must be 1.." + maxLength + " characters of [A-Za-z0-9._-], got '" + value + "'");
    }
  }

  /** Free text: at most {@code max} characters (UTF-16 code units, as protobuf-java counts them). */
  void text(String field, String value, int max) {
    if (value.length() > max) {
      add(field, "at most " + max + " characters, got " + value.length());
    }
  }

  /** Text that must be there: 1..{@code max} characters. */
  void required(String field, String value, int max) {
    if (value.isEmpty()) {
      add(field, "is required");
    } else {
      text(field, value, max);
    }
  }

  Ipv4Address ipv4(String field, String value) {
    try {
      return Ipv4Address.parse(value);
    } catch (IllegalArgumentException e) {
      add(field, value.isEmpty() ? "is required" : e.getMessage());
      return null;
    }
  }

  Ipv4Prefix cidr(String field, String value) {
    try {
      return Ipv4Prefix.parse(value);
    } catch (IllegalArgumentException e) {
      add(field, value.isEmpty() ? "is required" : e.getMessage());
      return null;
    }
  }

  MacAddress unicastMac(String field, String value) {
    try {
      MacAddress mac = MacAddress.parse(value);
      if (mac.isMulticast() || mac.isZero()) {
        add(field, "must be a unicast MAC address, got " + value);
        return null;
      }
      return mac;
    } catch (IllegalArgumentException e) {
      add(field, value.isEmpty() ? "is required" : e.getMessage());
      return null;
    }
  }

  void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      add(field, "must be " + min + ".." + max + ", got " + value);
    }
  }
}
