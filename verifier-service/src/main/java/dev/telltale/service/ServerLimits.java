package dev.telltale.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service's defences against hostile clients: connection timeouts and caps, the memory all
 * request bodies in flight may hold, cheap refusals before tokenising, the fair share of scoring
 * work between tokens, bounds on scan jobs, upload retention and who may read the metrics. Part of
 * {@link ServiceConfig}; the setting names and defaults are in {@link #DEFAULTS}.
 *
 * @param headerTimeoutMs a connection must send a request's headers within this long of opening, or
 *     of its previous answer; otherwise it is closed
 * @param bodyTimeoutMs a JSON request must send its whole body within this long of its headers
 * @param idleTimeoutMs a connection that sends nothing for this long is closed (uploads included)
 * @param maxConnections open connections in total; beyond, new ones are closed at once
 * @param maxConnectionsPerAddress open connections from one remote address
 * @param inflightBodyBytes bytes all JSON bodies being read may hold together; beyond, 503 without
 *     reading
 * @param maxRunChars longest run of characters with no pre-tokenizer split (letters, or
 *     punctuation, or white space) accepted in a text; beyond, 413 before tokenising
 * @param queuedPerToken scoring requests one token may have waiting or running; beyond, 429
 * @param scoringCpuMs CPU time one scoring request may use once it runs (tokenising and scoring);
 *     beyond, it stops and is answered 422
 * @param scanLineBytes longest JSONL line a scan job reads; a longer one fails the job
 * @param scanMaxAttempts a scan job whose worker died this many times is failed
 * @param retainUploads keep a scan's uploaded corpus after its job ends (default: delete it, keep
 *     its digest)
 * @param metricsPublic serve {@code /metrics} without a token
 */
public record ServerLimits(
    long headerTimeoutMs,
    long bodyTimeoutMs,
    long idleTimeoutMs,
    int maxConnections,
    int maxConnectionsPerAddress,
    long inflightBodyBytes,
    int maxRunChars,
    int queuedPerToken,
    long scoringCpuMs,
    long scanLineBytes,
    int scanMaxAttempts,
    boolean retainUploads,
    boolean metricsPublic) {

  /** Setting names and defaults, in README order. */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("server.header_timeout_ms", "10000");
    m.put("server.body_timeout_ms", "30000");
    m.put("server.idle_timeout_ms", "60000");
    m.put("server.max_connections", "8192");
    m.put("server.max_connections_per_address", "256");
    m.put("limits.inflight_body_bytes", "67108864");
    m.put("limits.run_chars", "1000");
    m.put("limits.queued_per_token", "32");
    m.put("limits.scoring_cpu_ms", "1000");
    m.put("scans.line_bytes", "16777216");
    m.put("scans.max_attempts", "3");
    m.put("scans.retain_uploads", "false");
    m.put("metrics.public", "false");
    return java.util.Collections.unmodifiableMap(m);
  }

  public ServerLimits {
    positive("server.header_timeout_ms", headerTimeoutMs);
    positive("server.body_timeout_ms", bodyTimeoutMs);
    positive("server.idle_timeout_ms", idleTimeoutMs);
    positive("server.max_connections", maxConnections);
    positive("server.max_connections_per_address", maxConnectionsPerAddress);
    positive("limits.inflight_body_bytes", inflightBodyBytes);
    positive("limits.run_chars", maxRunChars);
    positive("limits.queued_per_token", queuedPerToken);
    positive("limits.scoring_cpu_ms", scoringCpuMs);
    positive("scans.line_bytes", scanLineBytes);
    positive("scans.max_attempts", scanMaxAttempts);
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new ConfigException(name + " must be positive, got " + v);
    }
  }

  static ServerLimits fromMap(Map<String, String> m) {
    return new ServerLimits(
        ServiceConfig.longValue(m, "server.header_timeout_ms"),
        ServiceConfig.longValue(m, "server.body_timeout_ms"),
        ServiceConfig.longValue(m, "server.idle_timeout_ms"),
        ServiceConfig.intValue(m, "server.max_connections"),
        ServiceConfig.intValue(m, "server.max_connections_per_address"),
        ServiceConfig.longValue(m, "limits.inflight_body_bytes"),
        ServiceConfig.intValue(m, "limits.run_chars"),
        ServiceConfig.intValue(m, "limits.queued_per_token"),
        ServiceConfig.longValue(m, "limits.scoring_cpu_ms"),
        ServiceConfig.longValue(m, "scans.line_bytes"),
        ServiceConfig.intValue(m, "scans.max_attempts"),
        booleanValue(m, "scans.retain_uploads"),
        booleanValue(m, "metrics.public"));
  }

  void putInto(Map<String, String> m) {
    m.put("server.header_timeout_ms", Long.toString(headerTimeoutMs));
    m.put("server.body_timeout_ms", Long.toString(bodyTimeoutMs));
    m.put("server.idle_timeout_ms", Long.toString(idleTimeoutMs));
    m.put("server.max_connections", Integer.toString(maxConnections));
    m.put("server.max_connections_per_address", Integer.toString(maxConnectionsPerAddress));
    m.put("limits.inflight_body_bytes", Long.toString(inflightBodyBytes));
    m.put("limits.run_chars", Integer.toString(maxRunChars));
    m.put("limits.queued_per_token", Integer.toString(queuedPerToken));
    m.put("limits.scoring_cpu_ms", Long.toString(scoringCpuMs));
    m.put("scans.line_bytes", Long.toString(scanLineBytes));
    m.put("scans.max_attempts", Integer.toString(scanMaxAttempts));
    m.put("scans.retain_uploads", Boolean.toString(retainUploads));
    m.put("metrics.public", Boolean.toString(metricsPublic));
  }

  private static boolean booleanValue(Map<String, String> m, String name) {
    String v = m.get(name).trim();
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new ConfigException(name + " must be true or false, got '" + v + "'");
  }
}
