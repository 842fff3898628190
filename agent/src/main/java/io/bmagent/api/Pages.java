package io.bmagent.api;

import com.google.protobuf.MessageLite;
import io.bmagent.domain.DomainException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Pages of a List reply, AIP-158 style: {@code page_size} (0 for the default, larger than the maximum taken as the
 * maximum), an opaque {@code page_token} holding the last key returned, and a page cut short when the next item
 * would take the reply past {@link #BUDGET}, so that no reply reaches the 4 MiB clients accept by default whatever
 * was stored. Items are resumed after the key, so a change between pages neither repeats nor skips what remains.
 */
final class Pages {

  /** Under gRPC's default 4 MiB receive limit with room for the reply's other fields and framing. */
  static final int BUDGET = 3 << 20;
  static final int MAX_TOKEN = 512;

  /** One page and the token of the next ("" on the last). */
  record Page<T>(List<T> items, String nextToken) {}

  /** How many items a page holds by default and at most. */
  record Sizes(int defaultSize, int maxSize) {}

  private Pages() {}

  /**
   * The page of {@code sorted} (ordered by {@code key}) after the token's key.
   *
   * @param kind what is listed; a token of another List RPC is refused
   */
  static <T extends MessageLite> Page<T> page(String kind, List<T> sorted, Function<T, String> key, Sizes sizes,
      int pageSize, String token) {
    if (pageSize < 0) {
      throw DomainException.invalid("page_size", "must not be negative, got " + pageSize);
    }
    int size = pageSize == 0 ? sizes.defaultSize() : Math.min(pageSize, sizes.maxSize());
    String after = token.isEmpty() ? null : decode(kind, token);
    List<T> out = new ArrayList<>();
    long bytes = 0;
    for (T item : sorted) {
      if (after != null && key.apply(item).compareTo(after) <= 0) {
        continue;
      }
      // The serialized size plus the field's tag and length prefix, at most 1 + 5 bytes.
      int itemBytes = item.getSerializedSize() + 6;
      if (out.size() == size || (!out.isEmpty() && bytes + itemBytes > BUDGET)) {
        return new Page<>(out, encode(kind, key.apply(out.get(out.size() - 1))));
      }
      out.add(item);
      bytes += itemBytes;
    }
    return new Page<>(out, "");
  }

  private static String encode(String kind, String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + "/" + key).getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String kind, String token) {
    String text = null;
    if (token.length() <= MAX_TOKEN) {
      try {
        text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        text = null;
      }
    }
    if (text == null || !text.startsWith(kind + "/")) {
      throw DomainException.invalid("page_token", "is not a token of this List call; start again without one");
    }
    return text.substring(kind.length() + 1);
  }
}
