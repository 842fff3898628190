package io.bmagent.daemon;

import io.bmagent.domain.ImagePolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The operator's image policy file ({@code --image-policy}, by default {@code /etc/bm-agent/images.json} when it
 * exists):
 *
 * <pre>{@code
 * {
 *   "images": [
 *     {"os_family": "CentOS", "os_version": "7.6"},
 *     {"os_family": "Debian", "os_version": "12", "official_image_ids": ["img-debian-12"]}
 *   ],
 *   "allow_private_derived": true
 * }
 * }</pre>
 *
 * <p>{@code images} is required; a family matches regardless of case, a version exactly; {@code official_image_ids}
 * absent or empty supports every official image of that family and version. {@code allow_private_derived} (default
 * true) supports private images made from a supported official image. Unknown keys are mistakes, not extensions: a
 * misspelt key would otherwise silently leave a rule out. Any mistake stops the start with the file, line and column.
 */
final class ImagePolicyFile {

  static final Path DEFAULT = Path.of("/etc/bm-agent/images.json");
  private static final int MAX_FAMILY = 64;
  private static final int MAX_VERSION = 32;
  private static final int MAX_IMAGE_ID = 128;

  private final Path file;

  private ImagePolicyFile(Path file) {
    this.file = file;
  }

  /** The policy of {@code flag} when given, else of the default file when it exists, else the built-in one. */
  static ImagePolicy choose(Path flag) {
    if (flag != null) {
      return load(flag);
    }
    return Files.exists(DEFAULT) ? load(DEFAULT) : ImagePolicy.builtIn();
  }

  static ImagePolicy load(Path file) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw failure(file + ": not UTF-8 text", null, e);
    } catch (NoSuchFileException e) {
      throw failure(file + " does not exist", null, e);
    } catch (IOException e) {
      throw failure(file + " cannot be read (" + e.getMessage() + ")", null, e);
    }
    try {
      return new ImagePolicyFile(file).policy(JsonDocument.parse(text));
    } catch (JsonDocument.Problem p) {
      throw failure(file + ":" + JsonDocument.line(text, p.offset) + ":" + JsonDocument.column(text, p.offset)
          + ": " + p.getMessage(), file, p);
    }
  }

  private static StartupFailure failure(String what, Path file, Exception cause) {
    return new StartupFailure(StartupFailure.Kind.CONFIG, "the image policy " + what + ": fix it"
        + (file != null && file.equals(DEFAULT) ? ", or remove it to use the built-in policy" : "")
        + " (format: README, Image policy)", cause);
  }

  private ImagePolicy policy(JsonDocument.Value root) throws JsonDocument.Problem {
    Map<String, JsonDocument.Member> top = object(root, "the policy", Set.of("images", "allow_private_derived"));
    JsonDocument.Member images = top.get("images");
    if (images == null) {
      throw new JsonDocument.Problem("\"images\" is required: the list of supported images", root.offset());
    }
    List<ImagePolicy.Rule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<JsonDocument.Value> entries = array(images.value(), "\"images\"");
    for (int i = 0; i < entries.size(); i++) {
      ImagePolicy.Rule rule = rule(entries.get(i), "images[" + i + "]");
      if (!seen.add(rule.osFamily().toLowerCase(Locale.ROOT) + " " + rule.osVersion())) {
        throw new JsonDocument.Problem(rule.name() + " repeats " + rule.osFamily() + " " + rule.osVersion()
            + ": one rule per family and version", entries.get(i).offset());
      }
      rules.add(rule);
    }
    JsonDocument.Member derived = top.get("allow_private_derived");
    boolean allow = derived == null || bool(derived.value(), "\"allow_private_derived\"");
    return new ImagePolicy("the image policy " + file, rules, allow);
  }

  private static ImagePolicy.Rule rule(JsonDocument.Value v, String name) throws JsonDocument.Problem {
    Map<String, JsonDocument.Member> m = object(v, name, Set.of("os_family", "os_version", "official_image_ids"));
    String family = text(m, v, name, "os_family", MAX_FAMILY);
    String version = text(m, v, name, "os_version", MAX_VERSION);
    Set<String> ids = new LinkedHashSet<>();
    JsonDocument.Member listed = m.get("official_image_ids");
    if (listed != null) {
      for (JsonDocument.Value id : array(listed.value(), name + ".official_image_ids")) {
        ids.add(string(id, name + ".official_image_ids[]", MAX_IMAGE_ID));
      }
    }
    return new ImagePolicy.Rule(name + " (" + family + " " + version + ")", family, version, ids);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, JsonDocument.Member> object(JsonDocument.Value v, String what, Set<String> keys)
      throws JsonDocument.Problem {
    if (!(v.value() instanceof Map)) {
      throw new JsonDocument.Problem(what + " must be an object, not " + v.kind(), v.offset());
    }
    Map<String, JsonDocument.Member> m = (Map<String, JsonDocument.Member>) v.value();
    for (Map.Entry<String, JsonDocument.Member> e : m.entrySet()) {
      if (!keys.contains(e.getKey())) {
        throw new JsonDocument.Problem("unknown key \"" + e.getKey() + "\" in " + what + "; known are "
            + String.join(", ", keys.stream().sorted().toList()), e.getValue().keyOffset());
      }
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static List<JsonDocument.Value> array(JsonDocument.Value v, String what) throws JsonDocument.Problem {
    if (!(v.value() instanceof List)) {
      throw new JsonDocument.Problem(what + " must be an array, not " + v.kind(), v.offset());
    }
    return (List<JsonDocument.Value>) v.value();
  }

  private static String text(Map<String, JsonDocument.Member> m, JsonDocument.Value owner, String name, String key,
      int max) throws JsonDocument.Problem {
    JsonDocument.Member member = m.get(key);
    if (member == null) {
      throw new JsonDocument.Problem(name + "." + key + " is required", owner.offset());
    }
    return string(member.value(), name + "." + key, max);
  }

  private static String string(JsonDocument.Value v, String what, int max) throws JsonDocument.Problem {
    if (!(v.value() instanceof String s)) {
      throw new JsonDocument.Problem(what + " must be a string, not " + v.kind(), v.offset());
    }
    if (s.isBlank() || s.length() > max) {
      throw new JsonDocument.Problem(what + " must be 1.." + max + " characters, not blank", v.offset());
    }
    return s;
  }

  private static boolean bool(JsonDocument.Value v, String what) throws JsonDocument.Problem {
    if (!(v.value() instanceof Boolean b)) {
      throw new JsonDocument.Problem(what + " must be true or false, not " + v.kind(), v.offset());
    }
    return b;
  }
}
