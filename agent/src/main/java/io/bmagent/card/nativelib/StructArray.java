package io.bmagent.card.nativelib;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A C array of ABI structs in one native block, freed on {@link #close()} rather than by the GC,
 * so that large batches and listings do not linger. Each element is a view on its slice.
 */
public final class StructArray<T extends Structure> implements AutoCloseable {
  private final Memory memory;
  private final List<T> elements;

  private StructArray(Memory memory, List<T> elements) {
    this.memory = memory;
    this.elements = elements;
  }

  /** A zeroed array of {@code length} elements; the type needs a public {@code (Pointer)} constructor. */
  public static <T extends Structure> StructArray<T> of(Class<T> type, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    int size = Structure.newInstance(type).size();
    Memory memory = new Memory((long) size * Math.max(1, length));
    memory.clear();
    List<T> elements = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      elements.add(Structure.newInstance(type, memory.share((long) i * size, size)));
    }
    return new StructArray<>(memory, elements);
  }

  public T get(int index) {
    return elements.get(index);
  }

  public int length() {
    return elements.size();
  }

  /** The array's address, for the {@code Pointer} parameters of {@link BmdpuLibrary}. */
  public Pointer pointer() {
    return memory;
  }

  /** Copies the Java fields of every element to native memory, before a call that reads them. */
  public StructArray<T> write() {
    elements.forEach(Structure::write);
    return this;
  }

  /** Reads the first {@code count} elements back, after a call that filled them. */
  public List<T> read(int count) {
    List<T> filled = elements.subList(0, count);
    filled.forEach(Structure::read);
    return Collections.unmodifiableList(filled);
  }

  @Override
  public void close() {
    memory.close();
  }
}
