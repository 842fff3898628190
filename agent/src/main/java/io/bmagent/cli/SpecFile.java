package io.bmagent.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a request from a JSON file ({@code -} for stdin) in the proto3 JSON mapping. Unknown fields are refused, so a
 * misspelt field is a usage error rather than silently dropped from the spec.
 */
final class SpecFile {

  private SpecFile() {}

  @SuppressWarnings("unchecked")
  static <B extends Message.Builder> B read(String file, B builder) {
    try (Reader in = file.equals("-") ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
        : Files.newBufferedReader(Path.of(file))) {
      JsonFormat.parser().merge(in, builder);
      return builder;
    } catch (NoSuchFileException e) {
      throw new UsageException("no such spec file: " + file, e);
    } catch (InvalidProtocolBufferException e) {
      throw new UsageException(file + " is not a valid " + builder.getDescriptorForType().getName() + " in JSON: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
