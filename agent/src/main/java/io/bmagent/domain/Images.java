package io.bmagent.domain;

import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import java.util.Set;

/** Which images the product supports: CentOS 7.2, 7.4 and 7.6 official images, and private images made from them. */
final class Images {

  static final Set<String> SUPPORTED_VERSIONS = Set.of("7.2", "7.4", "7.6");

  private Images() {}

  static void validate(Image image, String field, Violations v) {
    v.required(field + ".image_id", image.getImageId(), 128);
    if (image.getKind() == ImageKind.IMAGE_KIND_UNSPECIFIED || image.getKind() == ImageKind.UNRECOGNIZED) {
      v.add(field + ".kind", "must be OFFICIAL or PRIVATE");
    }
    v.required(field + ".os_family", image.getOsFamily(), 64);
    v.required(field + ".os_version", image.getOsVersion(), 32);
    v.text(field + ".base_image_id", image.getBaseImageId(), 128);
    if (image.getKind() == ImageKind.IMAGE_KIND_PRIVATE && image.getBaseImageId().isEmpty()) {
      v.add(field + ".base_image_id", "is required for a private image: the official image it was made from");
    }
    if (image.getKind() == ImageKind.IMAGE_KIND_OFFICIAL && !image.getBaseImageId().isEmpty()) {
      v.add(field + ".base_image_id", "must be empty for an official image");
    }
  }

  /** Refuses an image the product does not support; call after {@link #validate}. */
  static void checkSupported(Image image) {
    boolean centos = image.getOsFamily().equalsIgnoreCase("centos");
    if (!centos || !SUPPORTED_VERSIONS.contains(image.getOsVersion())) {
      String what = image.getKind() == ImageKind.IMAGE_KIND_PRIVATE
          ? "private image " + image.getImageId() + " derives from " + image.getOsFamily() + " " + image.getOsVersion()
          : "image " + image.getImageId() + " is " + image.getOsFamily() + " " + image.getOsVersion();
      throw DomainException.limit(Limit.IMAGE_NOT_SUPPORTED,
          what + "; supported are the official CentOS 7.2, 7.4 and 7.6 images and private images made from them");
    }
  }
}
