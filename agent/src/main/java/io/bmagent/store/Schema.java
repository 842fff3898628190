package io.bmagent.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates and migrates the schema; the user_version pragma records which migrations ran. */
final class Schema {

  private static final String[][] MIGRATIONS = {
    {
      "CREATE TABLE resources (kind TEXT NOT NULL, id TEXT NOT NULL, generation INTEGER NOT NULL,"
          + " spec BLOB NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID",
      "CREATE TABLE requests (request_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
          + " created_ms INTEGER NOT NULL) WITHOUT ROWID",
      "CREATE TABLE vpc_mappings (vni INTEGER NOT NULL, ip INTEGER NOT NULL, mac INTEGER NOT NULL,"
          + " underlay INTEGER NOT NULL, PRIMARY KEY (vni, ip)) WITHOUT ROWID",
      "CREATE TABLE vpc_gateways (vni INTEGER PRIMARY KEY, underlay INTEGER NOT NULL, mac INTEGER NOT NULL)",
      "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    },
  };

  private Schema() {}

  static void migrate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      int version;
      try (var rs = s.executeQuery("PRAGMA user_version")) {
        version = rs.getInt(1);
      }
      if (version > MIGRATIONS.length) {
        throw new SQLException("state was written by a newer agent (schema " + version + ", this agent knows "
            + MIGRATIONS.length + ")");
      }
      for (int v = version; v < MIGRATIONS.length; v++) {
        c.setAutoCommit(false);
        for (String sql : MIGRATIONS[v]) {
          s.execute(sql);
        }
        s.execute("PRAGMA user_version = " + (v + 1));
        c.commit();
        c.setAutoCommit(true);
      }
    }
  }
}
