package io.bmagent.api;

import static io.bmagent.testing.AgentFixture.assertInvalid;
import static io.bmagent.testing.AgentFixture.assertLimit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.HttpTokens;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.MetadataOptions;
import io.bmagent.api.v1.UpdateInstanceRequest;
import io.bmagent.audit.Redactor;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.AgentTestCase;
import io.bmagent.testing.Specs;
import io.bmagent.testing.SshKeys;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The instance's metadata fields: what the card's metadata service serves to the host's operating system. */
class InstanceMetadataApiTest extends AgentTestCase {

  static final String HASH = "$6$rounds=5000$saltsalt$" + "a".repeat(86);

  static InstanceSpec withMetadata() {
    return Specs.instance().toBuilder().setHostname("web-1.example.internal")
        .addSshPublicKeys(SshKeys.ed25519("alice@laptop")).addSshPublicKeys(SshKeys.ecdsa256(""))
        .addSshPublicKeys(SshKeys.rsa(2048, "bob"))
        .setPasswordHash(HASH).setUserData(ByteString.copyFromUtf8("#cloud-config\n"))
        .putVendorTags("Name", "web-1").build();
  }

  @Test
  void metadataFieldsAreStoredWithDefaultsAndSurviveARestart() throws Exception {
    Instance i = f.instances.provisionInstance(Specs.provision(false).toBuilder().setSpec(withMetadata()).build());
    assertEquals(HttpTokens.HTTP_TOKENS_OPTIONAL, i.getSpec().getMetadataOptions().getHttpTokens(), "the default");
    assertEquals(3, i.getSpec().getSshPublicKeysCount());
    f.close();
    f = new AgentFixture(dir, card);
    assertEquals(i.getSpec(), f.instances.getInstance(GetInstanceRequest.getDefaultInstance()).getSpec());
  }

  @Test
  void badMetadataFieldsAreNamed() {
    String rsa1024 = SshKeys.rsa(1024, "");
    String lying = SshKeys.line("ssh-rsa", SshKeys.blob("ssh-ed25519", new byte[32]), "");
    InstanceSpec spec = Specs.instance().toBuilder().setHostname("-bad-.example")
        .addSshPublicKeys(SshKeys.ed25519("ok")).addSshPublicKeys(rsa1024).addSshPublicKeys(lying)
        .addSshPublicKeys("ssh-dss AAAA").addSshPublicKeys("ssh-ed25519 !!notbase64")
        .addSshPublicKeys(SshKeys.line("ssh-ed25519", SshKeys.blob("ssh-ed25519", new byte[31]), ""))
        .setPasswordHash("hunter2").setUserData(ByteString.copyFrom(new byte[16 * 1024 + 1]))
        .putVendorTags("", "x").build();
    var br = assertInvalid(List.of("spec.hostname", "spec.ssh_public_keys[1]", "spec.ssh_public_keys[2]",
        "spec.ssh_public_keys[3]", "spec.ssh_public_keys[4]", "spec.ssh_public_keys[5]", "spec.password_hash",
        "spec.user_data", "spec.vendor_tags"), () -> f.instances.provisionInstance(
            Specs.provision(false).toBuilder().setSpec(spec).build()));
    assertFalse(br.toString().contains("hunter2"), "a password typed into the hash field is never echoed");
    InstanceSpec many = Specs.instance().toBuilder()
        .addAllSshPublicKeys(Collections.nCopies(17, SshKeys.ed25519(""))).setHostname("a".repeat(64)).build();
    assertInvalid(List.of("spec.hostname", "spec.ssh_public_keys"), () -> f.instances.provisionInstance(
        Specs.provision(false).toBuilder().setSpec(many).build()));
  }

  @Test
  void acceptedHostnamesAndHashes() {
    InstanceSpec spec = Specs.instance().toBuilder().setHostname("a-1.b2." + "c".repeat(63) + ".")
        .setPasswordHash("$y$j9T$abcdefghijklmnopqrstuv$" + "A".repeat(43)).build();
    assertEquals(spec.getHostname(), f.instances.provisionInstance(Specs.provision(false).toBuilder()
        .setSpec(spec).build()).getSpec().getHostname());
  }

  @Test
  void updateReplacesKeysUserDataAndOptionsButStillRefusesAResize() {
    Instance i = f.instances.provisionInstance(Specs.provision(false).toBuilder().setSpec(withMetadata()).build());
    String newKey = SshKeys.ed25519("new");
    InstanceSpec next = i.getSpec().toBuilder().clearSshPublicKeys().addSshPublicKeys(newKey)
        .setUserData(ByteString.copyFromUtf8("#!/bin/sh\necho hi\n")).setHostname("web-2")
        .setMetadataOptions(MetadataOptions.newBuilder().setHttpTokens(HttpTokens.HTTP_TOKENS_REQUIRED)).build();
    Instance updated = f.instances.updateInstance(UpdateInstanceRequest.newBuilder().setSpec(next)
        .setGeneration(i.getGeneration()).build());
    assertEquals(List.of(newKey), updated.getSpec().getSshPublicKeysList());
    assertEquals(i.getGeneration() + 1, updated.getGeneration());
    assertInvalid(List.of("spec.ssh_public_keys[0]"), () -> f.instances.updateInstance(UpdateInstanceRequest
        .newBuilder().setSpec(next.toBuilder().setSshPublicKeys(0, "ssh-rsa AAAA"))
        .setGeneration(updated.getGeneration()).build()));
    assertLimit("RESIZE_NOT_SUPPORTED", () -> f.instances.updateInstance(UpdateInstanceRequest.newBuilder()
        .setSpec(next.toBuilder().setInstanceType("ebm.g6.16xlarge")).setGeneration(updated.getGeneration())
        .build()));
  }

  @Test
  void theCardIsHandedANewMetadataVersionOnEveryChange() throws Exception {
    Instance i = f.instances.provisionInstance(Specs.provision(false).toBuilder().setSpec(withMetadata()).build());
    InstanceMetadata first = awaitMetadata(m -> m.version() == 1);
    assertEquals("web-1.example.internal", first.hostname());
    assertEquals("10.0.1.10", first.localIpv4().toString());
    assertEquals(null, first.publicIpv4());
    assertEquals(i.getSpec().getSshPublicKeysList(), first.sshPublicKeys());
    assertEquals("#cloud-config\n", new String(first.userData(), StandardCharsets.UTF_8));
    assertFalse(first.tokensRequired());

    f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder().setNicId("eni-1")
        .setPublicIp("203.0.113.7").build());
    assertEquals("203.0.113.7", awaitMetadata(m -> m.publicIpv4() != null).publicIpv4().toString());

    String key = SshKeys.ed25519("rotated");
    Instance updated = f.instances.updateInstance(UpdateInstanceRequest.newBuilder().setGeneration(i.getGeneration())
        .setSpec(i.getSpec().toBuilder().clearSshPublicKeys().addSshPublicKeys(key).clearHostname()
            .setMetadataOptions(MetadataOptions.newBuilder().setHttpTokens(HttpTokens.HTTP_TOKENS_REQUIRED))).build());
    InstanceMetadata second = awaitMetadata(m -> m.version() == 2);
    assertEquals(List.of(key), second.sshPublicKeys());
    assertEquals("ip-10-0-1-10", second.hostname(), "named after its address when the spec names it not");
    assertTrue(second.tokensRequired());
    f.instances.updateInstance(UpdateInstanceRequest.newBuilder().setGeneration(updated.getGeneration())
        .setSpec(updated.getSpec().toBuilder().putLabels("env", "prod")).build());
    f.close();
    card.network().removeMetadata();
    f = new AgentFixture(dir, card);
    assertEquals(2, awaitMetadata(m -> true).version(), "a label is no metadata change; the version is durable");
  }

  private InstanceMetadata awaitMetadata(Predicate<InstanceMetadata> p) {
    AgentFixture.awaitTrue(() -> card.network().metadata().filter(p).isPresent(), "metadata handed to the card");
    return card.network().metadata().get();
  }

  @Test
  void thePasswordHashIsRedactedFromTheAuditLine() {
    var req = UpdateInstanceRequest.newBuilder().setSpec(withMetadata()).build();
    String line = Redactor.toText(req, 100_000);
    assertFalse(line.contains(HASH), line);
    assertEquals(Redactor.REDACTED, ((UpdateInstanceRequest) Redactor.redact(req)).getSpec().getPasswordHash());
  }
}
