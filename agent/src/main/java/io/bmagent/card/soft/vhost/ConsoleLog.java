package io.bmagent.card.soft.vhost;

import io.bmagent.card.CardException;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.ConsoleRing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * The QEMU host's serial console: QEMU writes it to a file, and the card reads what was added since it last looked
 * into its ring whenever the console is asked for. A file rather than a socket because QEMU outlives the agent: a
 * restarted agent reads the file from the start and so still has the guest's boot messages, where a socket would
 * have lost everything written while no agent listened.
 *
 * <p>QEMU truncates the file when it starts; the card starts it, so it reads the old file to its end first and then
 * starts over at offset 0 ({@link #restarted}). The ring therefore runs on across power cycles, as a BMC's serial
 * log does. The time of the last byte is the file's modification time, which is right even for bytes written while
 * no agent ran. The card's memory stays at the ring however much the guest prints; the file itself grows with one
 * QEMU run's output and starts over at the next power-on.
 */
final class ConsoleLog {

  static final int RING_BYTES = 256 * 1024;

  private final Path file;
  private final ConsoleRing ring;
  private long offset;

  ConsoleLog(Path file, int ringBytes) {
    this.file = file;
    this.ring = new ConsoleRing(ringBytes);
  }

  synchronized ConsoleOutput snapshot(int maxBytes) {
    catchUp();
    return ring.snapshot(maxBytes);
  }

  /** Reads the old file to its end: the QEMU about to start truncates it and writes from offset 0. */
  synchronized void restarted() {
    catchUp();
    offset = 0;
  }

  private void catchUp() {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < offset) {
        // Shorter than what was read: a QEMU this card did not start (an operator's) truncated it.
        offset = 0;
      }
      if (size == offset) {
        return;
      }
      Instant at = Files.readAttributes(file, BasicFileAttributes.class).lastModifiedTime().toInstant();
      long from = Math.max(offset, size - ring.capacity());
      ring.skip(from - offset);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      int n;
      do {
        n = ch.read(buf, from + buf.position());
      } while (n > 0 && buf.hasRemaining());
      ring.append(buf.array(), 0, buf.position(), at);
      offset = from + buf.position();
    } catch (NoSuchFileException e) {
      // No QEMU has run in this work directory yet: nothing was printed.
    } catch (IOException e) {
      throw new CardException(CardException.Reason.IO, "cannot read the host's console " + file + ": " + e, e);
    }
  }
}
