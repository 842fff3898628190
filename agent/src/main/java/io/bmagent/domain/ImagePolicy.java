package io.bmagent.domain;

import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which images the product supports: the operator's policy (a region or a lab adds its own images), or the built-in
 * one, which is the product's original rule: the official CentOS 7.2, 7.4 and 7.6 images and private images made
 * from them. A refusal names the rule that refused and where the policy came from.
 *
 * @param source where the rules came from, as a refusal names it ("the built-in image policy", a file)
 * @param rules each family and version supported; a family matches regardless of case, a version exactly
 * @param allowPrivateDerived whether a private image made from a supported official image is supported too
 */
public record ImagePolicy(String source, List<Rule> rules, boolean allowPrivateDerived) {

  /**
   * Official images of one family and version and, when the policy allows, private images made from them.
   *
   * @param name how a refusal names the rule (in a file: its place, {@code images[2]})
   * @param officialImageIds the official images of this family and version that are supported; empty for all
   */
  public record Rule(String name, String osFamily, String osVersion, Set<String> officialImageIds) {

    public Rule {
      officialImageIds = Set.copyOf(officialImageIds);
    }

    boolean matches(Image image) {
      return osFamily.equalsIgnoreCase(image.getOsFamily()) && osVersion.equals(image.getOsVersion());
    }
  }

  public ImagePolicy {
    rules = List.copyOf(rules);
  }

  /** The product's rule before policies were configurable, and still the default. */
  public static ImagePolicy builtIn() {
    return new ImagePolicy("the built-in image policy", List.of(centos("7.2"), centos("7.4"), centos("7.6")), true);
  }

  private static Rule centos(String version) {
    return new Rule("CentOS " + version, "CentOS", version, Set.of());
  }

  /** Refuses an image this policy does not support, with IMAGE_NOT_SUPPORTED naming the rule; call after validation. */
  void check(Image image) {
    boolean derived = image.getKind() == ImageKind.IMAGE_KIND_PRIVATE;
    String what = derived
        ? "private image " + image.getImageId() + " derives from " + image.getOsFamily() + " " + image.getOsVersion()
        : "image " + image.getImageId() + " is " + image.getOsFamily() + " " + image.getOsVersion();
    if (derived && !allowPrivateDerived) {
      throw refused("allow_private_derived", "private image " + image.getImageId()
          + " is refused: allow_private_derived is false in " + source + ", so only official images are supported");
    }
    Optional<Rule> rule = rules.stream().filter(r -> r.matches(image)).findFirst();
    if (rule.isEmpty()) {
      throw refused("", what + "; no rule of " + source + " allows it: supported are " + supported());
    }
    Set<String> ids = rule.get().officialImageIds();
    String official = derived ? image.getBaseImageId() : image.getImageId();
    if (!ids.isEmpty() && !ids.contains(official)) {
      throw refused(rule.get().name(), what + (derived ? " image " + official : "") + ", which rule "
          + rule.get().name() + " of " + source + " does not list; it supports the official images "
          + ids.stream().sorted().collect(Collectors.joining(", ")));
    }
  }

  /** {@code rule} empty: none matched. */
  private DomainException refused(String rule, String message) {
    return rule.isEmpty() ? DomainException.limit(Limit.IMAGE_NOT_SUPPORTED, message, "policy", source)
        : DomainException.limit(Limit.IMAGE_NOT_SUPPORTED, message, "policy", source, "rule", rule);
  }

  /** "the official CentOS 7.2, CentOS 7.4 and CentOS 7.6 images and private images made from them" */
  private String supported() {
    if (rules.isEmpty()) {
      return "no images";
    }
    List<String> names = rules.stream().map(r -> r.osFamily() + " " + r.osVersion()).toList();
    String list = names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    return "the official " + list + " images" + (allowPrivateDerived ? " and private images made from them" : "");
  }
}
