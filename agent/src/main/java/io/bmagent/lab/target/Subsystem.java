package io.bmagent.lab.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An NVM subsystem (NQN) with its namespaces and the controllers hosts created on it. Controllers
 * follow the dynamic model (NVMe-oF 1.1, 4.2): each admin Connect allocates a fresh one.
 */
public final class Subsystem {
  /** NN reported in Identify Controller: the NSID space, so snapshots can appear later. */
  static final int MAX_NAMESPACES = 1024;
  private final String nqn;
  private final String serial;
  private final Path dataDir;
  private final NavigableMap<Integer, Namespace> namespaces = new ConcurrentSkipListMap<>();
  private final Map<Integer, TargetController> controllers = new ConcurrentHashMap<>();
  private final Set<String> allowedHosts = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextCntlid = new AtomicInteger(1);
  private final Consumer<TargetEvent> events;
  private final TargetOptions options;
  private final HealthCounters health = new HealthCounters();

  Subsystem(String nqn, Path dataDir, Consumer<TargetEvent> events, TargetOptions options) {
    this.nqn = nqn;
    this.dataDir = dataDir;
    this.events = events;
    this.options = options;
    this.serial = String.format("BMLAB%08X", nqn.hashCode());
  }

  public String nqn() {
    return nqn;
  }

  public String serial() {
    return serial;
  }

  /** Restricts Connect to the given host NQNs; with none allowed, any host may connect. */
  public void allowHost(String hostNqn) {
    allowedHosts.add(hostNqn);
  }

  boolean hostAllowed(String hostNqn) {
    return allowedHosts.isEmpty() || allowedHosts.contains(hostNqn);
  }

  public Namespace addMemoryNamespace(long bytes, int blockSize) {
    return add(blockSize, new MemoryBacking(bytes));
  }

  /** Serves {@code file}, creating it sparse if needed and growing it to {@code bytes}. */
  public Namespace addFileNamespace(Path file, long bytes, int blockSize) throws IOException {
    return add(blockSize, new FileBacking(file, bytes));
  }

  private synchronized Namespace add(int blockSize, Backing backing) {
    int nsid = 1;
    while (namespaces.containsKey(nsid)) {
      nsid++;
    }
    if (nsid > MAX_NAMESPACES) {
      throw new IllegalStateException("subsystem " + nqn + " is full");
    }
    Namespace ns = new Namespace(nsid, blockSize, backing);
    namespaces.put(nsid, ns);
    return ns;
  }

  public Namespace namespace(int nsid) {
    return namespaces.get(nsid);
  }

  NavigableMap<Integer, Namespace> namespaces() {
    return namespaces;
  }

  public void removeNamespace(int nsid) throws IOException {
    Namespace ns = namespaces.remove(nsid);
    if (ns != null) {
      ns.backing().close();
    }
  }

  /** A point-in-time copy of {@code nsid} served as a new namespace; returns its NSID. */
  public int snapshot(int nsid) throws IOException {
    Namespace ns = require(nsid);
    return add(ns.blockSize(), ns.backing().snapshot()).nsid();
  }

  /**
   * A new namespace whose initial content is the image file: a file copy under the data
   * directory when the target has one, memory otherwise. The size is rounded up to a block.
   */
  public int cloneImage(Path image, int blockSize) throws IOException {
    long size = (Files.size(image) + blockSize - 1) / blockSize * blockSize;
    Backing backing;
    if (dataDir != null) {
      Path copy = Files.createTempFile(dataDir, "clone-", ".img");
      Files.copy(image, copy, StandardCopyOption.REPLACE_EXISTING);
      backing = new FileBacking(copy, size);
    } else {
      backing = new MemoryBacking(size);
      try (FileBacking src = new FileBacking(image, Files.size(image))) {
        Backing.copy(src, backing);
      }
    }
    return add(blockSize, backing).nsid();
  }

  /** Rolls {@code nsid} back to the content of snapshot {@code snapshotNsid}. */
  public void restore(int nsid, int snapshotNsid) throws IOException {
    Namespace ns = require(nsid);
    Namespace snap = require(snapshotNsid);
    if (snap.backing().size() != ns.backing().size() || snap.blockSize() != ns.blockSize()) {
      throw new IllegalArgumentException("snapshot " + snapshotNsid + " does not match namespace " + nsid);
    }
    ns.backing().restoreFrom(snap.backing());
  }

  private Namespace require(int nsid) {
    Namespace ns = namespaces.get(nsid);
    if (ns == null) {
      throw new IllegalArgumentException("no namespace " + nsid + " in " + nqn);
    }
    return ns;
  }

  TargetController newController(String hostNqn, UUID hostId) {
    int id = nextCntlid.getAndUpdate(i -> i >= 0xFFEF ? 1 : i + 1);
    TargetController c = new TargetController(this, id, hostNqn, hostId);
    controllers.put(id, c);
    return c;
  }

  void event(TargetEvent.Kind kind, int cntlid, int qid) {
    events.accept(new TargetEvent(kind, cntlid, qid, 0));
  }

  TargetOptions options() {
    return options;
  }

  TargetController controller(int cntlid) {
    return controllers.get(cntlid);
  }

  /** True the first time: a controller is destroyed by keep-alive expiry and by its admin queue closing. */
  boolean removeController(TargetController c) {
    return controllers.remove(c.cntlid(), c);
  }

  HealthCounters health() {
    return health;
  }

  /** Number of live controllers; tests use it to see that hosts went away. */
  public int controllerCount() {
    return controllers.size();
  }

  void closeAll() {
    for (Namespace ns : namespaces.values()) {
      try {
        ns.backing().close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
