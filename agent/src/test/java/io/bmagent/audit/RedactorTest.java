package io.bmagent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.testing.Specs;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void secretsAreFoundByNameAtAnyDepth() {
    var spec = Specs.volume("vol-1", VolumeRole.VOLUME_ROLE_DATA);
    var req = AttachVolumeRequest.newBuilder()
        .setSpec(spec.toBuilder().setTarget(spec.getTarget().toBuilder().setDhchapSecret("DHHC-1:00:abc:")))
        .build();
    var redacted = (AttachVolumeRequest) Redactor.redact(req);
    assertEquals(Redactor.REDACTED, redacted.getSpec().getTarget().getDhchapSecret());
    assertEquals("vol-1", redacted.getSpec().getVolumeId());
    assertEquals(req.getSpec().getTarget().getAddress(), redacted.getSpec().getTarget().getAddress());
    assertEquals("DHHC-1:00:abc:", req.getSpec().getTarget().getDhchapSecret(), "the request is left alone");
    assertTrue(Redactor.mayHoldSecret(AttachVolumeRequest.getDescriptor()));
    assertTrue(Redactor.mayHoldSecret(NvmeofTarget.getDescriptor()));
  }

  @Test
  void unknownFieldsAreDroppedSinceTheyMayBeSecretsOfANewerApi() {
    var req = AttachVolumeRequest.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(
            com.google.protobuf.ByteString.copyFromUtf8("future-secret")).build()).build()).build();
    assertFalse(Redactor.toText(req, 1024).contains("future-secret"));
  }

  @Test
  void typesWithoutSecretsAreNotCopiedAndLongTextIsCut() {
    var b = UpsertVpcMappingsRequest.newBuilder();
    for (int i = 0; i < 10_000; i++) {
      b.addMappingsBuilder().setVni(1000 + i);
    }
    UpsertVpcMappingsRequest req = b.build();
    assertFalse(Redactor.mayHoldSecret(UpsertVpcMappingsRequest.getDescriptor()));
    assertSame(req, Redactor.redact(req));
    String text = Redactor.toText(req, 100);
    assertEquals(103, text.length(), text);
    assertTrue(text.endsWith("..."), text);
  }
}
