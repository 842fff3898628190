package io.bmagent.store;

import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The operations available inside one store transaction. */
public final class Transaction {

  private final Connection c;

  Transaction(Connection c) {
    this.c = c;
  }

  public Optional<StoredResource> get(String kind, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT generation, spec FROM resources WHERE kind = ? AND id = ?")) {
      ps.setString(1, kind);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new StoredResource(kind, id, rs.getLong(1), rs.getBytes(2))) : Optional.empty();
      }
    }
  }

  public List<StoredResource> list(String kind) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id, generation, spec FROM resources WHERE kind = ? ORDER BY id")) {
      ps.setString(1, kind);
      List<StoredResource> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredResource(kind, rs.getString(1), rs.getLong(2), rs.getBytes(3)));
        }
      }
      return out;
    }
  }

  public void put(StoredResource r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT OR REPLACE INTO resources (kind, id, generation, spec) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, r.kind());
      ps.setString(2, r.id());
      ps.setLong(3, r.generation());
      ps.setBytes(4, r.spec());
      ps.executeUpdate();
    }
  }

  public boolean delete(String kind, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM resources WHERE kind = ? AND id = ?")) {
      ps.setString(1, kind);
      ps.setString(2, id);
      return ps.executeUpdate() > 0;
    }
  }

  /**
   * Records a client's request id with a fingerprint of what it asked. Returns the fingerprint stored earlier when
   * the id was already used, in which case nothing is recorded.
   */
  public Optional<String> claimRequest(String requestId, String fingerprint, long nowMs) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM requests WHERE request_id = ?")) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return Optional.of(rs.getString(1));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO requests (request_id, fingerprint, created_ms) VALUES (?, ?, ?)")) {
      ps.setString(1, requestId);
      ps.setString(2, fingerprint);
      ps.setLong(3, nowMs);
      ps.executeUpdate();
    }
    return Optional.empty();
  }

  /** Forgets request ids older than the cutoff, so the table stays bounded. */
  public int expireRequests(long olderThanMs) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM requests WHERE created_ms < ?")) {
      ps.setLong(1, olderThanMs);
      return ps.executeUpdate();
    }
  }

  public long counter(String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM counters WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  public void setCounter(String name, long value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)")) {
      ps.setString(1, name);
      ps.setLong(2, value);
      ps.executeUpdate();
    }
  }

  public void upsertMappings(Collection<VpcMapping> mappings) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT OR REPLACE INTO vpc_mappings (vni, ip, mac, underlay) VALUES (?, ?, ?, ?)")) {
      for (VpcMapping m : mappings) {
        ps.setInt(1, m.vni());
        ps.setInt(2, m.ip().value());
        ps.setLong(3, m.mac().value());
        ps.setInt(4, m.underlay().value());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  public void deleteMappings(Collection<VpcMapping.Key> keys) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM vpc_mappings WHERE vni = ? AND ip = ?")) {
      for (VpcMapping.Key k : keys) {
        ps.setInt(1, k.vni());
        ps.setInt(2, k.ip().value());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  public List<VpcMapping> allMappings() throws SQLException {
    List<VpcMapping> out = new ArrayList<>();
    // A VPC has far fewer cards than addresses: one object per underlay address, not one per entry.
    Map<Integer, Ipv4Address> underlays = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT vni, ip, mac, underlay FROM vpc_mappings")) {
      while (rs.next()) {
        out.add(new VpcMapping(rs.getInt(1), new Ipv4Address(rs.getInt(2)), new MacAddress(rs.getLong(3)),
            underlays.computeIfAbsent(rs.getInt(4), Ipv4Address::new)));
      }
    }
    return out;
  }

  public void putGateway(VpcGateway g) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT OR REPLACE INTO vpc_gateways (vni, underlay, mac) VALUES (?, ?, ?)")) {
      ps.setInt(1, g.vni());
      ps.setInt(2, g.underlay().value());
      ps.setLong(3, g.mac().value());
      ps.executeUpdate();
    }
  }

  public List<VpcGateway> allGateways() throws SQLException {
    List<VpcGateway> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT vni, underlay, mac FROM vpc_gateways ORDER BY vni")) {
      while (rs.next()) {
        out.add(new VpcGateway(rs.getInt(1), new Ipv4Address(rs.getInt(2)), new MacAddress(rs.getLong(3))));
      }
    }
    return out;
  }

  String integrityCheck() throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      return rs.getString(1);
    }
  }
}
