package io.bmagent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
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

  /** A type this build has never seen: secrets in a repeated string, in bytes, and in map values two levels down. */
  @Test
  void anyFieldNamedLikeASecretIsRedactedInAnyType() throws Exception {
    var inner = DescriptorProto.newBuilder().setName("Inner")
        .addField(field("name", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
        .addField(field("client_secret", 2, Type.TYPE_STRING, Label.LABEL_OPTIONAL));
    var entry = DescriptorProto.newBuilder().setName("ThingsEntry")
        .setOptions(MessageOptions.newBuilder().setMapEntry(true))
        .addField(field("key", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
        .addField(field("value", 2, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL).setTypeName(".t.Inner"));
    var outer = DescriptorProto.newBuilder().setName("Outer")
        .addField(field("api_secrets", 1, Type.TYPE_STRING, Label.LABEL_REPEATED))
        .addField(field("SecretKey", 2, Type.TYPE_BYTES, Label.LABEL_OPTIONAL))
        .addField(field("things", 3, Type.TYPE_MESSAGE, Label.LABEL_REPEATED).setTypeName(".t.Outer.ThingsEntry"))
        .addField(field("secret_count", 4, Type.TYPE_INT32, Label.LABEL_OPTIONAL))
        .addNestedType(entry);
    FileDescriptor file = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder().setName("t.proto").setPackage("t")
        .setSyntax("proto3").addMessageType(inner).addMessageType(outer).build(), new FileDescriptor[0]);
    Descriptor outerType = file.findMessageTypeByName("Outer");
    Descriptor innerType = file.findMessageTypeByName("Inner");
    Descriptor entryType = outerType.findNestedTypeByName("ThingsEntry");

    DynamicMessage thing = DynamicMessage.newBuilder(innerType)
        .setField(innerType.findFieldByName("name"), "visible")
        .setField(innerType.findFieldByName("client_secret"), "s3cr3t-inner").build();
    DynamicMessage m = DynamicMessage.newBuilder(outerType)
        .addRepeatedField(outerType.findFieldByName("api_secrets"), "s3cr3t-1")
        .addRepeatedField(outerType.findFieldByName("api_secrets"), "s3cr3t-2")
        .setField(outerType.findFieldByName("SecretKey"), ByteString.copyFromUtf8("s3cr3t-bytes"))
        .addRepeatedField(outerType.findFieldByName("things"), DynamicMessage.newBuilder(entryType)
            .setField(entryType.findFieldByName("key"), "k").setField(entryType.findFieldByName("value"), thing)
            .build())
        .setField(outerType.findFieldByName("secret_count"), 7)
        .build();

    String text = Redactor.toText(m, 4096);
    assertFalse(text.contains("s3cr3t"), text);
    assertFalse(text.contains("secret_count: 7"), "non-string secrets are cleared: " + text);
    assertTrue(text.contains("api_secrets: \"[REDACTED]\" api_secrets: \"[REDACTED]\""), text);
    assertTrue(text.contains("SecretKey: \"[REDACTED]\""), text);
    assertTrue(text.contains("name: \"visible\""), text);
    assertTrue(text.contains("client_secret: \"[REDACTED]\""), text);
  }

  private static FieldDescriptorProto.Builder field(String name, int number, Type type, Label label) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(label);
  }

  @Test
  void unknownFieldsAreDroppedSinceTheyMayBeSecretsOfANewerApi() {
    var req = AttachVolumeRequest.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(
            ByteString.copyFromUtf8("future-secret")).build()).build()).build();
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
