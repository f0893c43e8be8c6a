package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Every setting of the verifier service. Built from defaults, then a config file (JSON or Java
 * properties), then {@code TELLTALE_*} environment variables, then command-line flags: each later
 * source overrides the earlier ones. Setting names are dotted ({@code limits.body_bytes}); the
 * environment variable of a setting is {@code TELLTALE_} plus its name upper-cased with dots as
 * underscores ({@code TELLTALE_LIMITS_BODY_BYTES}).
 *
 * @param host address to listen on
 * @param port port to listen on; 0 picks a free one
 * @param dataDir directory of the embedded database and of the generated key set
 * @param dbUrl JDBC URL; empty means the embedded H2 database in {@code dataDir}
 * @param dbUser database user (PostgreSQL)
 * @param dbPassword database password (PostgreSQL)
 * @param dbSchema database schema to use and migrate (empty: the database's default)
 * @param dbPoolSize maximum JDBC connections
 * @param keysFile key set file; empty means {@code dataDir/keys.json}, created on first start
 * @param maxBodyBytes largest accepted request body
 * @param maxTextChars longest accepted text
 * @param maxTokens most token ids accepted in one request
 * @param requestTimeoutMs a request still running after this fails with 503
 * @param workerThreads threads for detection and database work
 * @param detectPerMinute detections each token may run per minute on average (bucket refill)
 * @param detectBurst detections a token may run at once before the refill rate applies
 * @param authCacheSeconds how long a verified bearer token is trusted before the database is asked
 *     again (revocation through another instance takes effect after this long)
 * @param maxUploadBytes largest corpus upload to {@code POST /v1/scans} (streamed to disk)
 * @param scanAllowedPaths server-side folders a scan may read (comma-separated); empty: none
 * @param scanConcurrentPerToken queued or running scans one token may have at once
 * @param scanCheckpointEvery a scan job checkpoints after about this many documents
 * @param scanLeaseSeconds a scan job's lease; another instance takes the job over once it expires
 * @param scanThreads scoring threads of each running scan
 * @param scanRunners scans this instance runs at once; 0: it only queues them (an API-only node)
 * @param limits the defences against hostile clients ({@link ServerLimits})
 * @param tokenizerFiles Hugging Face {@code tokenizer.json} files requests may name, {@code
 *     name=path} comma-separated ({@link ServiceTokenizers}); empty: the built-in encodings only
 * @param spreadReference the reference corpus of the spoofing check ({@code spread_check}): one
 *     text per line or JSONL with {@code text}, as {@code telltale detect --spread-reference} reads
 *     it; empty: the key-independent default {@code tokenizer-ranks:10000}
 */
public record ServiceConfig(
    String host,
    int port,
    Path dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String dbSchema,
    int dbPoolSize,
    String keysFile,
    long maxBodyBytes,
    int maxTextChars,
    int maxTokens,
    long requestTimeoutMs,
    int workerThreads,
    double detectPerMinute,
    int detectBurst,
    int authCacheSeconds,
    long maxUploadBytes,
    String scanAllowedPaths,
    int scanConcurrentPerToken,
    long scanCheckpointEvery,
    int scanLeaseSeconds,
    int scanThreads,
    int scanRunners,
    ServerLimits limits,
    String tokenizerFiles,
    String spreadReference) {

  /** Every setting name with its default, in README order. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", "8080");
    m.put("data", "telltale-data");
    m.put("db", "");
    m.put("db.user", "");
    m.put("db.password", "");
    m.put("db.schema", "");
    m.put("db.pool_size", "8");
    m.put("keys", "");
    m.put("limits.body_bytes", "1048576");
    m.put("limits.text_chars", "500000");
    m.put("limits.tokens", "200000");
    m.put("limits.timeout_ms", "30000");
    m.put("workers", "4");
    m.put("rate.detect_per_minute", "600");
    m.put("rate.detect_burst", "60");
    m.put("auth.cache_seconds", "5");
    m.put("limits.upload_bytes", "1073741824");
    m.put("scans.allowed_paths", "");
    m.put("scans.concurrent_per_token", "2");
    m.put("scans.checkpoint_every", "10000");
    m.put("scans.lease_seconds", "30");
    m.put("scans.threads", "2");
    m.put("scans.runners", "2");
    m.putAll(ServerLimits.DEFAULTS);
    m.put("tokenizers.files", "");
    m.put("detection.spread_reference", "");
    return java.util.Collections.unmodifiableMap(m);
  }

  public ServiceConfig {
    if (port < 0 || port > 65535) {
      throw new ConfigException("port must be in 0..65535, got " + port);
    }
    positive("db.pool_size", dbPoolSize);
    positive("limits.body_bytes", maxBodyBytes);
    positive("limits.text_chars", maxTextChars);
    positive("limits.tokens", maxTokens);
    positive("limits.timeout_ms", requestTimeoutMs);
    positive("workers", workerThreads);
    positive("rate.detect_burst", detectBurst);
    if (!(detectPerMinute > 0) || Double.isInfinite(detectPerMinute)) {
      throw new ConfigException("rate.detect_per_minute must be positive, got " + detectPerMinute);
    }
    positive("limits.upload_bytes", maxUploadBytes);
    positive("scans.concurrent_per_token", scanConcurrentPerToken);
    positive("scans.checkpoint_every", scanCheckpointEvery);
    positive("scans.lease_seconds", scanLeaseSeconds);
    positive("scans.threads", scanThreads);
    if (scanRunners < 0) {
      throw new ConfigException("scans.runners must be >= 0, got " + scanRunners);
    }
    ServiceTokenizers.parse(tokenizerFiles);
    if (authCacheSeconds < 0) {
      throw new ConfigException("auth.cache_seconds must be >= 0, got " + authCacheSeconds);
    }
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new ConfigException(name + " must be positive, got " + v);
    }
  }

  /** The defaults alone. */
  public static ServiceConfig defaultsOnly() {
    return fromMap(DEFAULTS);
  }

  /**
   * Resolves the settings: defaults, then {@code file} (if any), then {@code env}, then {@code
   * flags} (setting name to value).
   */
  public static ServiceConfig resolve(
      Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> m = new LinkedHashMap<>(DEFAULTS);
    if (file.isPresent()) {
      m.putAll(readFile(file.get()));
    }
    for (String name : DEFAULTS.keySet()) {
      String v = env.get(envName(name));
      if (v != null) {
        m.put(name, v);
      }
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      known(e.getKey(), "flag");
      m.put(e.getKey(), e.getValue());
    }
    return fromMap(m);
  }

  /** {@code limits.body_bytes} → {@code TELLTALE_LIMITS_BODY_BYTES}. */
  public static String envName(String setting) {
    return "TELLTALE_" + setting.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** A copy with other settings (name to value) applied on top. */
  public ServiceConfig with(Map<String, String> overrides) {
    Map<String, String> m = new LinkedHashMap<>(toMap());
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      known(e.getKey(), "setting");
      m.put(e.getKey(), e.getValue());
    }
    return fromMap(m);
  }

  /** The settings as names to values; the database password is included, so never log this. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("host", host);
    m.put("port", Integer.toString(port));
    m.put("data", dataDir.toString());
    m.put("db", dbUrl);
    m.put("db.user", dbUser);
    m.put("db.password", dbPassword);
    m.put("db.schema", dbSchema);
    m.put("db.pool_size", Integer.toString(dbPoolSize));
    m.put("keys", keysFile);
    m.put("limits.body_bytes", Long.toString(maxBodyBytes));
    m.put("limits.text_chars", Integer.toString(maxTextChars));
    m.put("limits.tokens", Integer.toString(maxTokens));
    m.put("limits.timeout_ms", Long.toString(requestTimeoutMs));
    m.put("workers", Integer.toString(workerThreads));
    m.put("rate.detect_per_minute", Double.toString(detectPerMinute));
    m.put("rate.detect_burst", Integer.toString(detectBurst));
    m.put("auth.cache_seconds", Integer.toString(authCacheSeconds));
    m.put("limits.upload_bytes", Long.toString(maxUploadBytes));
    m.put("scans.allowed_paths", scanAllowedPaths);
    m.put("scans.concurrent_per_token", Integer.toString(scanConcurrentPerToken));
    m.put("scans.checkpoint_every", Long.toString(scanCheckpointEvery));
    m.put("scans.lease_seconds", Integer.toString(scanLeaseSeconds));
    m.put("scans.threads", Integer.toString(scanThreads));
    m.put("scans.runners", Integer.toString(scanRunners));
    limits.putInto(m);
    m.put("tokenizers.files", tokenizerFiles);
    m.put("detection.spread_reference", spreadReference);
    return m;
  }

  /** The key set file in use: the configured one, or {@code keys.json} in the data directory. */
  public Path keysPath() {
    return keysFile.isEmpty() ? dataDir.resolve("keys.json") : Path.of(keysFile);
  }

  /** The JDBC URL in use: the configured one, or the embedded H2 file in the data directory. */
  public String jdbcUrl() {
    return dbUrl.isEmpty()
        ? "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("telltale")
            + ";DB_CLOSE_DELAY=-1;WRITE_DELAY=0;AUTO_SERVER=TRUE"
        : dbUrl;
  }

  private static ServiceConfig fromMap(Map<String, String> m) {
    return new ServiceConfig(
        m.get("host"),
        intValue(m, "port"),
        Path.of(m.get("data")),
        m.get("db"),
        m.get("db.user"),
        m.get("db.password"),
        m.get("db.schema"),
        intValue(m, "db.pool_size"),
        m.get("keys"),
        longValue(m, "limits.body_bytes"),
        intValue(m, "limits.text_chars"),
        intValue(m, "limits.tokens"),
        longValue(m, "limits.timeout_ms"),
        intValue(m, "workers"),
        doubleValue(m, "rate.detect_per_minute"),
        intValue(m, "rate.detect_burst"),
        intValue(m, "auth.cache_seconds"),
        longValue(m, "limits.upload_bytes"),
        m.get("scans.allowed_paths"),
        intValue(m, "scans.concurrent_per_token"),
        longValue(m, "scans.checkpoint_every"),
        intValue(m, "scans.lease_seconds"),
        intValue(m, "scans.threads"),
        intValue(m, "scans.runners"),
        ServerLimits.fromMap(m),
        m.get("tokenizers.files"),
        m.get("detection.spread_reference"));
  }

  private static void known(String name, String what) {
    if (!DEFAULTS.containsKey(name)) {
      throw new ConfigException("unknown " + what + " '" + name + "'");
    }
  }

  private static Map<String, String> readFile(Path file) {
    Map<String, String> m = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      if (file.getFileName().toString().endsWith(".json")) {
        JsonNode root = new ObjectMapper().readTree(in);
        if (root == null || !root.isObject()) {
          throw new ConfigException("config file '" + file + "' must hold one JSON object");
        }
        flatten("", root, m);
      } else {
        Properties p = new Properties();
        p.load(in);
        for (String name : p.stringPropertyNames()) {
          m.put(name, p.getProperty(name).trim());
        }
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read config file '" + file + "': " + e.getMessage());
    }
    for (String name : m.keySet()) {
      known(name, "setting '" + name + "' in config file '" + file + "':");
    }
    return m;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = prefix + e.getKey();
      if (e.getValue().isObject()) {
        flatten(name + ".", e.getValue(), out);
      } else if (e.getValue().isValueNode()) {
        out.put(name, e.getValue().asText());
      } else {
        throw new ConfigException("setting '" + name + "' must be a string, number or boolean");
      }
    }
  }

  static int intValue(Map<String, String> m, String name) {
    long v = longValue(m, name);
    if (v != (int) v) {
      throw new ConfigException(name + " is out of range: " + v);
    }
    return (int) v;
  }

  static long longValue(Map<String, String> m, String name) {
    try {
      return Long.parseLong(m.get(name).trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be an integer, got '" + m.get(name) + "'");
    }
  }

  private static double doubleValue(Map<String, String> m, String name) {
    try {
      return Double.parseDouble(m.get(name).trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a number, got '" + m.get(name) + "'");
    }
  }

  /** The folders server-side scans may read, as configured (absolute, normalized). */
  public List<Path> scanRoots() {
    return java.util.Arrays.stream(scanAllowedPaths.split(","))
        .map(String::trim)
        .filter(x -> !x.isEmpty())
        .map(x -> Path.of(x).toAbsolutePath().normalize())
        .toList();
  }

  /** Names of every setting. */
  public static List<String> names() {
    return List.copyOf(DEFAULTS.keySet());
  }
}
