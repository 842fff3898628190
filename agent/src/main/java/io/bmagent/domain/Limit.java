package io.bmagent.domain;

/** The product's deliberate limits; each name is the reason a refused request carries. */
public enum Limit {
  IMAGE_NOT_SUPPORTED,
  SYSTEM_DISK_MUST_BE_CLOUD_DISK,
  SINGLE_NIC_ONLY,
  HOT_PLUG_NOT_SUPPORTED,
  ENCRYPTED_DISK_NOT_SUPPORTED,
  MULTI_ATTACH_NOT_SUPPORTED,
  RESIZE_NOT_SUPPORTED,
  INSTANCE_NOT_PROVISIONED,
  VOLUME_FROZEN,
  /** Not one of the product's limits: a resource still in use by another. */
  RESOURCE_IN_USE,
  /** Not one of the product's limits: the operation is not legal in the instance's current phase. */
  INVALID_STATE
}
