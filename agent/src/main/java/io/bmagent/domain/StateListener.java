package io.bmagent.domain;

import java.util.List;

/** Told of every accepted change after it is durable, on the thread that made it; must not block. */
@FunctionalInterface
public interface StateListener {

  void changed(List<SpecChange> changes);
}
