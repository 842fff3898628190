package io.bmagent.domain;

import com.google.protobuf.MessageLite;
import io.bmagent.store.StoredResource;
import java.util.ArrayList;
import java.util.List;

/** What one accepted request changes: rows to write, rows to delete, and the changes to publish. */
final class Change {

  record Deletion(ResourceKind kind, String id) {}

  final List<StoredResource> puts = new ArrayList<>();
  final List<Deletion> deletions = new ArrayList<>();
  final List<SpecChange> published = new ArrayList<>();

  void put(ResourceKind kind, String id, long generation, MessageLite spec, SpecChange.Type type) {
    puts.add(new StoredResource(kind.key(), id, generation, spec.toByteArray()));
    published.add(new SpecChange(kind, id, type));
  }

  /** Writes a row without publishing a spec change: bookkeeping the reconciler records. */
  void record(ResourceKind kind, String id, long generation, MessageLite spec) {
    puts.add(new StoredResource(kind.key(), id, generation, spec.toByteArray()));
  }

  void delete(ResourceKind kind, String id) {
    deletions.add(new Deletion(kind, id));
    published.add(new SpecChange(kind, id, SpecChange.Type.DELETED));
  }
}
