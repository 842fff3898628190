package io.bmagent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.domain.ImagePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image policy file: what it means, and each kind of mistake reported at its file, line and column. */
class ImagePolicyFileTest {

  @TempDir Path dir;

  private Path write(String json) throws Exception {
    return Files.writeString(dir.resolve("images.json"), json);
  }

  /** The one line the agent prints for a policy that stops it. */
  private String mistake(String json) throws Exception {
    Path file = write(json);
    StartupFailure f = assertThrows(StartupFailure.class, () -> ImagePolicyFile.load(file));
    assertEquals(StartupFailure.Kind.CONFIG, f.kind());
    assertEquals(7, f.kind().exitCode());
    assertFalse(f.getMessage().contains("\n"), f.getMessage());
    return f.getMessage();
  }

  @Test
  void aFileOfRules() throws Exception {
    Path file = write("""
        {
          "images": [
            {"os_family": "CentOS", "os_version": "7.6"},
            {"os_family": "Debian", "os_version": "12", "official_image_ids": ["img-debian-12", "img-d\\u0065b"]}
          ],
          "allow_private_derived": false
        }
        """);
    ImagePolicy p = ImagePolicyFile.load(file);
    assertEquals("the image policy " + file, p.source());
    assertEquals(List.of(new ImagePolicy.Rule("images[0] (CentOS 7.6)", "CentOS", "7.6", Set.of()),
        new ImagePolicy.Rule("images[1] (Debian 12)", "Debian", "12", Set.of("img-debian-12", "img-deb"))),
        p.rules());
    assertFalse(p.allowPrivateDerived());
    assertTrue(ImagePolicyFile.load(write("{\"images\": []}")).allowPrivateDerived(), "allowed unless refused");
  }

  @Test
  void theShippedExampleIsTheBuiltInPolicy() {
    ImagePolicy example = ImagePolicyFile.load(Path.of("..", "systemd", "images.json.example"));
    ImagePolicy builtIn = ImagePolicy.builtIn();
    assertEquals(builtIn.allowPrivateDerived(), example.allowPrivateDerived());
    assertEquals(builtIn.rules().stream().map(r -> List.of(r.osFamily(), r.osVersion(), r.officialImageIds())).toList(),
        example.rules().stream().map(r -> List.of(r.osFamily(), r.osVersion(), r.officialImageIds())).toList());
  }

  @Test
  void noFlagAndNoDefaultFileIsTheBuiltInPolicy() {
    assertTrue(Files.notExists(ImagePolicyFile.DEFAULT), "this machine has an operator's policy; test skipped");
    assertEquals(ImagePolicy.builtIn(), ImagePolicyFile.choose(null));
  }

  @Test
  void syntaxMistakesAreReportedAtTheirLineAndColumn() throws Exception {
    String file = dir.resolve("images.json").toString();
    String missingComma = mistake("""
        {
          "images": [
            {"os_family": "CentOS" "os_version": "7.6"}
          ]
        }
        """);
    assertTrue(missingComma.startsWith("the image policy " + file + ":3:28: expected ',' or '}' after a member: "
        + "fix it (format: README, Image policy)"), missingComma);
    assertTrue(mistake("{\"images\": [}").contains("images.json:1:13: expected a value, found '}'"));
    assertTrue(mistake("{\"images\": [],}").contains(":1:15: expected a key in double quotes"));
    assertTrue(mistake("{\"images\": [\"a\nb\"]}").contains(":1:15: a control character in a string must be"));
    assertTrue(mistake("").contains(":1:1: expected a value, found the end of the file"));
    assertTrue(mistake("{\"images\": []} []").contains(":1:16: unexpected text after the JSON value"));
    assertTrue(mistake("{\"images\": [], \"images\": []}").contains(":1:16: duplicate key \"images\""));
  }

  @Test
  void meaningMistakesAreReportedWhereTheyAre() throws Exception {
    assertTrue(mistake("{\n  \"imagez\": []\n}").contains(":2:3: unknown key \"imagez\" in the policy; known are"
        + " allow_private_derived, images"));
    assertTrue(mistake("{}").contains(":1:1: \"images\" is required"));
    assertTrue(mistake("{\"images\": {}}").contains(":1:12: \"images\" must be an array, not an object"));
    assertTrue(mistake("{\"images\": [{\"os_family\": \"CentOS\"}]}")
        .contains(":1:13: images[0].os_version is required"));
    assertTrue(mistake("{\"images\": [{\"os_family\": \"CentOS\", \"os_version\": 7.6}]}")
        .contains(":1:51: images[0].os_version must be a string, not a number"));
    assertTrue(mistake("{\"images\": [{\"os_family\": \"\", \"os_version\": \"7\"}]}")
        .contains(":1:27: images[0].os_family must be 1..64 characters, not blank"));
    String repeated = mistake("""
        {"images": [
          {"os_family": "CentOS", "os_version": "7.6"},
          {"os_family": "centos", "os_version": "7.6"}
        ]}""");
    assertTrue(repeated.contains(":3:3: images[1] (centos 7.6) repeats centos 7.6"), repeated);
    assertTrue(mistake("{\"images\": [], \"allow_private_derived\": \"yes\"}")
        .contains(":1:41: \"allow_private_derived\" must be true or false, not a string"));
  }

  @Test
  void aFileThatCannotBeReadIsNamed() throws Exception {
    Path missing = dir.resolve("none.json");
    StartupFailure f = assertThrows(StartupFailure.class, () -> ImagePolicyFile.load(missing));
    assertEquals("the image policy " + missing + " does not exist: fix it (format: README, Image policy)",
        f.getMessage());
    Path latin1 = Files.write(dir.resolve("latin1.json"), new byte[] {'{', (byte) 0xe9, '}'});
    assertTrue(assertThrows(StartupFailure.class, () -> ImagePolicyFile.load(latin1)).getMessage()
        .contains(latin1 + ": not UTF-8 text"));
  }
}
