package io.bmagent.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What most API tests start from: one agent on a memory card, its state in a fresh temporary directory. */
public abstract class AgentTestCase {

  @TempDir protected Path dir;
  protected final MemoryCard card = new MemoryCard();
  /** The running agent; a test that restarts it closes this one and assigns the next. */
  protected AgentFixture f;

  @BeforeEach
  protected void startAgent() throws Exception {
    f = new AgentFixture(dir, card);
  }

  @AfterEach
  protected void stopAgent() throws Exception {
    f.close();
  }
}
