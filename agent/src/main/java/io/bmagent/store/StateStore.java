package io.bmagent.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite file under the state directory. One connection serves every transaction, one at a time: the agent has
 * a single writer, and SQLite serialises writers anyway.
 */
public final class StateStore implements AutoCloseable {

  /** A unit of work run inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Transaction tx) throws SQLException;
  }

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private StateStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens or creates {@code state.db} in the directory, creating the directory with mode 0700. */
  public static StateStore open(Path directory) {
    try {
      Files.createDirectories(directory);
      directory.toFile().setReadable(false, false);
      directory.toFile().setReadable(true, true);
      directory.toFile().setExecutable(false, false);
      directory.toFile().setExecutable(true, true);
    } catch (IOException e) {
      throw new StoreException("cannot create state directory " + directory + ": " + e.getMessage(), e);
    }
    Path file = directory.resolve("state.db");
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL syncs the WAL on every commit: an acknowledged change survives power loss, not only a crash.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(5000);
    config.enforceForeignKeys(true);
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      Schema.migrate(c);
      try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA quick_check")) {
        String verdict = rs.getString(1);
        if (!"ok".equals(verdict)) {
          c.close();
          throw new StoreException("state database " + file + " is damaged: " + verdict, null);
        }
      }
      return new StateStore(file, c);
    } catch (SQLException e) {
      throw new StoreException("cannot open state database " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Runs {@code work} in a transaction and commits it; on any failure nothing of it is kept. */
  public <T> T write(Work<T> work) {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run(new Transaction(connection));
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot commit to " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} on a consistent view. */
  public <T> T read(Work<T> work) {
    return write(work);
  }

  /** Runs SQLite's integrity check; "ok" when the file is sound. */
  public String integrityCheck() {
    return read(tx -> tx.integrityCheck());
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
