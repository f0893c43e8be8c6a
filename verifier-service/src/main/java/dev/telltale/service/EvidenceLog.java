package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.log.ConsistencyProof;
import dev.telltale.evidence.log.InclusionProof;
import dev.telltale.evidence.log.LogProof;
import dev.telltale.evidence.log.MerkleLog;
import dev.telltale.evidence.log.SignedTreeHead;
import dev.telltale.key.KeySet;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The service's evidence: findings signed as DSSE envelopes with the key set's primary signing key
 * and appended to the transparency log (core's {@link MerkleLog} over a {@link JdbcLogStore}). One
 * issue is one transaction that locks the log, appends the envelope, signs the new tree head and
 * stores the finding row, so instances sharing a database append one at a time and a crash leaves
 * all of it or none. Blocking (JDBC).
 */
final class EvidenceLog {
  /** The JSON format of {@code GET /v1/log/consistency}, as {@code telltale log consistency}. */
  static final String CONSISTENCY_FORMAT = "telltale-consistency-proof";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final DataSource db;
  private final Optional<EnvelopeSigner> signer;

  EvidenceLog(DataSource db, KeySet keys) {
    this.db = db;
    this.signer = keys.primarySigningKey().map(EnvelopeSigner::of);
  }

  /** Issued evidence: its id, the envelope, its log index and the tree head that includes it. */
  record Issued(String id, Envelope envelope, long logIndex, SignedTreeHead treeHead) {
    ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("id", id);
      o.put("log_index", logIndex);
      o.set("envelope", EnvelopeWriter.toJson(envelope));
      o.set("tree_head", treeHead.toJson());
      o.put("location", "/v1/evidence/" + id);
      return o;
    }
  }

  /** Refuses before any work when the key set cannot sign (a key file without a signing key). */
  void checkCanSign() {
    if (signer.isEmpty()) {
      throw new ProblemException(
          409,
          "no-signing-key",
          "Conflict",
          "the service's key set has no signing key, so it cannot sign evidence");
    }
  }

  /** Signs {@code statement}, appends it to the log and stores it for {@code tokenId}. */
  Issued issue(String tokenId, String route, EvidenceStatement statement, Optional<Double> p) {
    checkCanSign();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        Issued issued = issueIn(c, tokenId, route, statement, p, Optional.empty());
        c.commit();
        return issued;
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | IOException e) {
      throw new StorageException("cannot store evidence", e);
    }
  }

  /**
   * The same inside the caller's transaction on {@code c} (not committed here), the finding tied to
   * {@code jobId} when a job produced it: a scan job issues its evidence in the transaction that
   * ends it, so a crash leaves both or neither, and the unique index on {@code findings.job_id}
   * refuses a second finding for one job.
   */
  Issued issueIn(
      Connection c,
      String tokenId,
      String route,
      EvidenceStatement statement,
      Optional<Double> p,
      Optional<String> jobId)
      throws SQLException, IOException {
    checkCanSign();
    EnvelopeSigner s = signer.get();
    Envelope env = s.sign(statement);
    byte[] leaf = EnvelopeWriter.canonicalBytes(env);
    String id = UUID.randomUUID().toString();
    JdbcLogStore.lock(c);
    MerkleLog log = MerkleLog.over(JdbcLogStore.inTransaction(c));
    long index = log.append(leaf);
    SignedTreeHead head = log.signTreeHead(s, Instant.now());
    insertFinding(c, id, tokenId, route, statement, env, index, p, jobId);
    return new Issued(id, env, index, head);
  }

  private static void insertFinding(
      Connection c,
      String id,
      String tokenId,
      String route,
      EvidenceStatement st,
      Envelope env,
      long index,
      Optional<Double> p,
      Optional<String> jobId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO findings (id, created_at, kind, subject_sha256, key_id, p_value,"
                + " statement, envelope, log_index, owner_token_id, route, job_id) VALUES (?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setObject(2, OffsetDateTime.ofInstant(st.time(), ZoneOffset.UTC));
      ps.setString(3, st.kind().label());
      ps.setString(4, st.subjects().get(0).sha256());
      ps.setString(5, st.key().keyId());
      if (p.isPresent()) {
        ps.setDouble(6, p.get());
      } else {
        ps.setNull(6, Types.DOUBLE);
      }
      ps.setString(7, st.toJson().toString());
      ps.setString(8, EnvelopeWriter.toJson(env).toString());
      ps.setLong(9, index);
      ps.setString(10, tokenId);
      ps.setString(11, route);
      ps.setString(12, jobId.orElse(null));
      ps.executeUpdate();
    }
  }

  /** Stored evidence as {@code GET /v1/evidence/{id}} shows it. */
  record Stored(
      String id,
      String ownerTokenId,
      String route,
      Instant created,
      long logIndex,
      JsonNode envelope) {}

  Optional<Stored> find(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, owner_token_id, route, created_at, log_index, envelope FROM findings"
                    + " WHERE id = ? AND log_index IS NOT NULL")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Stored(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant(),
                rs.getLong(5),
                MAPPER.readTree(rs.getString(6))));
      }
    } catch (SQLException | IOException e) {
      throw new StorageException("cannot read evidence", e);
    }
  }

  private <T> T read(LogRead<T> work) {
    try {
      return work.run(MerkleLog.over(JdbcLogStore.over(db)));
    } catch (IOException e) {
      throw new StorageException("cannot read the log", e);
    }
  }

  @FunctionalInterface
  private interface LogRead<T> {
    T run(MerkleLog log) throws IOException;
  }

  /** The newest signed tree head; empty while the log is empty. */
  Optional<SignedTreeHead> treeHead() {
    return read(log -> log.store().latestTreeHead());
  }

  /**
   * The inclusion proof of entry {@code index} in the tree of {@code size} entries (the newest
   * signed size when empty), with its leaf hash and that size's signed tree head: the file {@code
   * telltale evidence verify --proof} reads.
   */
  LogProof proof(long index, Optional<Long> size) {
    return read(
        log -> {
          SignedTreeHead head = headOf(log, size);
          if (index >= head.treeSize()) {
            throw ProblemException.badRequest(
                "bad-parameter",
                "index must be below the tree size " + head.treeSize() + ", got " + index);
          }
          InclusionProof p = log.inclusionProof(index, head.treeSize());
          return new LogProof(log.leafHash(index), p, head);
        });
  }

  /**
   * Both signed heads and the proof that the tree of {@code second} extends that of {@code first}.
   */
  ObjectNode consistency(long first, Optional<Long> second) {
    return read(
        log -> {
          SignedTreeHead b = headOf(log, second);
          if (first > b.treeSize()) {
            throw ProblemException.badRequest(
                "bad-parameter", "first must not exceed second (" + b.treeSize() + ")");
          }
          SignedTreeHead a = headOf(log, Optional.of(first));
          ConsistencyProof p = log.consistencyProof(a.treeSize(), b.treeSize());
          ObjectNode n = JsonNodeFactory.instance.objectNode();
          n.put("format", CONSISTENCY_FORMAT);
          n.put("version", 1);
          n.set("first", a.toJson());
          n.set("second", b.toJson());
          n.set("proof", p.toJson());
          return n;
        });
  }

  private static SignedTreeHead headOf(MerkleLog log, Optional<Long> size) throws IOException {
    if (size.isEmpty()) {
      return log.store()
          .latestTreeHead()
          .orElseThrow(() -> ProblemException.notFound("empty-log", "the log has no entries yet"));
    }
    return log.store()
        .treeHead(size.get())
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    "unknown-tree-size", "no signed tree head of size " + size.get()));
  }
}
