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
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

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

  /** Below this much room on the state disk a failed commit is reported as a full disk: a few WAL frames. */
  private static final long MIN_FREE_BYTES = 64 * 1024;

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
    SqliteLibrary.placeIn(directory);
    Path file = directory.resolve("state.db");
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL syncs the WAL on every commit: an acknowledged change survives power loss, not only a crash.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(5000);
    config.enforceForeignKeys(true);
    Connection c = null;
    try {
      c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      Schema.migrate(c);
      try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA quick_check")) {
        String verdict = rs.getString(1);
        if (!"ok".equals(verdict)) {
          throw new StoreException("state database " + file + " is damaged: " + verdict, null);
        }
      }
      return new StateStore(file, c);
    } catch (SQLException | StoreException e) {
      closeQuietly(c, e);
      throw e instanceof StoreException s ? s
          : new StoreException("cannot open state database " + file + ": " + e.getMessage(), e);
    }
  }

  /** A refused open leaves no connection behind; a failure to close it is kept with the reason for the refusal. */
  private static void closeQuietly(Connection c, Exception reason) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      reason.addSuppressed(e);
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
        rollback(e);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot commit to " + file + ": " + e.getMessage(), e, isFull(e));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Rolls back after a failure without hiding it: SQLite rolls the transaction back by itself on some errors (a full
   * disk among them), and the ROLLBACK that then fails must not replace the error that says why.
   */
  private void rollback(Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Whether a failed transaction failed for want of room. SQLite rolls a transaction back by itself when it runs out
   * of room, and through the driver the error that arrives is not always SQLITE_FULL: on a full tmpfs it is the
   * COMMIT failing with "no transaction is active" (DiskFullTest). So a file system with no room left is taken as
   * the reason too.
   */
  private boolean isFull(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // The primary result code is the low byte of an extended one.
      if (t instanceof SQLiteException s && (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_FULL.code) {
        return true;
      }
    }
    try {
      return Files.getFileStore(file).getUsableSpace() < MIN_FREE_BYTES;
    } catch (IOException io) {
      e.addSuppressed(io);
      return false;
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
