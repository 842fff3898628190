package io.bmagent.domain;

import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;

/** What an image in a spec must say; which images are supported is the {@link ImagePolicy}'s. */
final class Images {

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
}
