package io.bmagent.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lab's stand-in for the CentOS 7.6 official image: a file of the image's size whose first block names it, so
 * a boot volume cloned from it can be recognised from the host side.
 */
final class LabImage {

  static final String MAGIC = "bm-agent lab image: CentOS 7.6 (x86_64)\n";

  private LabImage() {}

  static Path create(Path dir, long bytes) throws IOException {
    Path file = dir.resolve("centos-7.6.img");
    if (Files.exists(file) && Files.size(file) == bytes) {
      return file;
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] block = new byte[4096];
      byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(magic, 0, block, 0, magic.length);
      out.write(block);
      java.util.Arrays.fill(block, (byte) 0);
      for (long written = block.length; written < bytes; written += block.length) {
        out.write(block);
      }
    }
    return file;
  }
}
