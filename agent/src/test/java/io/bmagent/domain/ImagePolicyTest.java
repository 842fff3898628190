package io.bmagent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in policy is the product's original rule; an operator's rules add images, narrow ids, refuse private. */
class ImagePolicyTest {

  private static Image official(String family, String version, String id) {
    return Image.newBuilder().setImageId(id).setKind(ImageKind.IMAGE_KIND_OFFICIAL).setOsFamily(family)
        .setOsVersion(version).build();
  }

  private static Image derived(String family, String version, String base) {
    return Image.newBuilder().setImageId("img-mine").setKind(ImageKind.IMAGE_KIND_PRIVATE).setOsFamily(family)
        .setOsVersion(version).setBaseImageId(base).build();
  }

  private static DomainException refused(ImagePolicy policy, Image image) {
    DomainException e = assertThrows(DomainException.class, () -> policy.check(image));
    assertEquals(Limit.IMAGE_NOT_SUPPORTED, e.limit().orElseThrow());
    return e;
  }

  @Test
  void theBuiltInPolicyIsCentos72To76AndPrivateImagesMadeFromThem() {
    ImagePolicy p = ImagePolicy.builtIn();
    for (String v : List.of("7.2", "7.4", "7.6")) {
      p.check(official("CentOS", v, "any-id-" + v));
      p.check(official("centos", v, "img"));
      p.check(derived("CentOS", v, "whatever"));
    }
    for (Image bad : List.of(official("CentOS", "8.0", "i"), official("CentOS", "7.5", "i"),
        official("Ubuntu", "22.04", "i"), official("CentOS", "7.6.1", "i"), derived("CentOS", "8.0", "b"))) {
      DomainException e = refused(p, bad);
      assertTrue(e.getMessage().endsWith("no rule of the built-in image policy allows it: supported are the official"
          + " CentOS 7.2, CentOS 7.4 and CentOS 7.6 images and private images made from them"), e.getMessage());
      assertEquals(Map.of("policy", "the built-in image policy"), e.metadata());
    }
  }

  @Test
  void anOperatorsRulesNameTheRuleThatRefused() {
    ImagePolicy p = new ImagePolicy("the image policy /etc/bm-agent/images.json", List.of(
        new ImagePolicy.Rule("images[0] (CentOS 7.6)", "CentOS", "7.6", Set.of()),
        new ImagePolicy.Rule("images[1] (Debian 12)", "Debian", "12", Set.of("img-debian-12", "img-debian-12.8"))),
        true);
    p.check(official("debian", "12", "img-debian-12"));
    p.check(derived("Debian", "12", "img-debian-12.8"));
    DomainException other = refused(p, official("Debian", "12", "img-debian-12-nightly"));
    assertTrue(other.getMessage().contains("which rule images[1] (Debian 12) of the image policy"
        + " /etc/bm-agent/images.json does not list; it supports the official images img-debian-12, img-debian-12.8"),
        other.getMessage());
    assertEquals("images[1] (Debian 12)", other.metadata().get("rule"));
    DomainException base = refused(p, derived("Debian", "12", "img-debian-11"));
    assertTrue(base.getMessage().contains("derives from Debian 12 image img-debian-11, which rule images[1]"),
        base.getMessage());
    refused(p, official("CentOS", "7.2", "img-centos-7.2"));
  }

  @Test
  void privateImagesCanBeRefused() {
    ImagePolicy p = new ImagePolicy("the image policy f.json", List.of(
        new ImagePolicy.Rule("images[0] (CentOS 7.6)", "CentOS", "7.6", Set.of())), false);
    p.check(official("CentOS", "7.6", "img"));
    DomainException e = refused(p, derived("CentOS", "7.6", "img"));
    assertTrue(e.getMessage().contains("allow_private_derived is false in the image policy f.json"), e.getMessage());
    assertEquals("allow_private_derived", e.metadata().get("rule"));
  }
}
