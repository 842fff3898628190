package io.bmagent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LabCommandTest {

  @TempDir Path dir;

  @Test
  void deliversAnInstanceAndReportsTheDeliveryTime() {
    String text = runLab();
    assertTrue(text.contains("volume            vol-lab-boot   ATTACHED"), text);
    assertTrue(text.contains("instance          i-lab          RUNNING"), text);
    assertTrue(text.matches("(?s).*delivery time: \\d+ ms from ProvisionInstance to RUNNING.*"), text);
  }

  @Test
  void aSecondRunInTheSameDirectoryDeliversAgain() {
    runLab();
    assertTrue(runLab().contains("instance          i-lab          RUNNING"));
  }

  /** One {@code bm-agent lab --exit} in {@link #dir}; asserts it succeeded and returns what it printed. */
  private String runLab() {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      code = new CommandLine(new LabCommand()).execute("--dir", dir.toString(), "--listen", "127.0.0.1:0",
          "--underlay-port", "0", "--image-mib", "8", "--exit");
    } finally {
      System.setOut(saved);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    return text;
  }
}
