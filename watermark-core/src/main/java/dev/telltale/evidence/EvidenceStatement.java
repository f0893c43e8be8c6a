package dev.telltale.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An in-toto Statement v1 about one finding: the tested inputs ({@code subject}), the kind of
 * finding ({@code predicateType}) and the predicate: method, the command that re-runs it, the key
 * commitment(s), deduplication settings, the result exactly as the CLI's {@code --json} prints it,
 * the software and the time. Immutable; JSON nodes are copied in and out.
 *
 * <pre>{@code
 * {"_type":"https://in-toto.io/Statement/v1",
 *  "subject":[{"name":"suspect.txt","digest":{"sha256":"<hex>"}}],
 *  "predicateType":"https://telltale.dev/evidence/detection/v1",
 *  "predicate":{"method":"kgw","command":["telltale","detect","--keys","KEYS","--json","suspect.txt"],
 *    "key":{"key_id":..,"scheme":..,"parameters":{..},"commitment":"<hex>"},"keys_tested":[..],
 *    "dedup":{..},"result":{..},"software":{"name":"telltale","version":".."},
 *    "time":"2026-11-23T22:40:00Z"}}
 * }</pre>
 */
public record EvidenceStatement(
    List<Subject> subjects,
    EvidenceKind kind,
    String method,
    List<String> command,
    KeyCommitment key,
    List<KeyCommitment> keysTested,
    ObjectNode dedup,
    ObjectNode result,
    String softwareVersion,
    Instant time) {
  public static final String TYPE = "https://in-toto.io/Statement/v1";
  public static final String SOFTWARE = "telltale";

  private static final Set<String> TOP = Set.of("_type", "subject", "predicateType", "predicate");
  private static final Set<String> PREDICATE =
      Set.of("method", "command", "key", "keys_tested", "dedup", "result", "software", "time");
  private static final Set<String> KEY = Set.of("key_id", "scheme", "parameters", "commitment");

  public EvidenceStatement {
    subjects = List.copyOf(subjects);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(method, "method");
    command = List.copyOf(command);
    Objects.requireNonNull(key, "key");
    keysTested = List.copyOf(keysTested);
    dedup = Objects.requireNonNull(dedup, "dedup").deepCopy();
    result = Objects.requireNonNull(result, "result").deepCopy();
    Objects.requireNonNull(softwareVersion, "softwareVersion");
    time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("a statement needs at least one subject");
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a statement needs the command that re-runs it");
    }
    if (method.isEmpty()) {
      throw new IllegalArgumentException("a statement needs a method");
    }
  }

  @Override
  public ObjectNode dedup() {
    return dedup.deepCopy();
  }

  @Override
  public ObjectNode result() {
    return result.deepCopy();
  }

  /** Equal when the canonical forms are equal (JSON {@code 2.0} and {@code 2} are one number). */
  @Override
  public boolean equals(Object o) {
    return o instanceof EvidenceStatement s
        && java.util.Arrays.equals(toCanonicalBytes(), s.toCanonicalBytes());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(toCanonicalBytes());
  }

  /** The statement as a JSON tree. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("_type", TYPE);
    ArrayNode subs = root.putArray("subject");
    for (Subject s : subjects) {
      ObjectNode n = subs.addObject();
      n.put("name", s.name());
      n.putObject("digest").put("sha256", s.sha256());
    }
    root.put("predicateType", kind.predicateType());
    ObjectNode p = root.putObject("predicate");
    p.put("method", method);
    ArrayNode cmd = p.putArray("command");
    command.forEach(cmd::add);
    p.set("key", key.toJson());
    ArrayNode tested = p.putArray("keys_tested");
    keysTested.forEach(k -> tested.add(k.toJson()));
    p.set("dedup", dedup.deepCopy());
    p.set("result", result.deepCopy());
    ObjectNode sw = p.putObject("software");
    sw.put("name", SOFTWARE);
    sw.put("version", softwareVersion);
    p.put("time", time.toString());
    return root;
  }

  /** The canonical JSON bytes: what an envelope's payload holds. */
  public byte[] toCanonicalBytes() {
    return CanonicalJson.bytes(toJson());
  }

  /** Reads a statement strictly: every member required, none unknown, the known types only. */
  public static EvidenceStatement fromJson(JsonNode root) throws EvidenceFormatException {
    object(root, "statement", TOP);
    if (!TYPE.equals(text(root, "_type", "statement"))) {
      throw new EvidenceFormatException("statement _type is not " + TYPE);
    }
    String pt = text(root, "predicateType", "statement");
    EvidenceKind kind =
        EvidenceKind.fromPredicateType(pt)
            .orElseThrow(
                () -> new EvidenceFormatException("unknown predicateType '" + clip(pt) + "'"));
    JsonNode subs = root.get("subject");
    if (subs == null || !subs.isArray() || subs.isEmpty()) {
      throw new EvidenceFormatException("statement needs a non-empty subject array");
    }
    List<Subject> subjects = new ArrayList<>();
    for (int i = 0; i < subs.size(); i++) {
      String at = "subject[" + i + "]";
      JsonNode s = subs.get(i);
      object(s, at, Set.of("name", "digest"));
      JsonNode d = s.get("digest");
      object(d, at + ".digest", Set.of("sha256"));
      try {
        subjects.add(new Subject(text(s, "name", at), text(d, "sha256", at + ".digest")));
      } catch (IllegalArgumentException e) {
        throw new EvidenceFormatException(at + ": " + e.getMessage());
      }
    }
    JsonNode p = root.get("predicate");
    object(p, "predicate", PREDICATE);
    JsonNode cmdNode = p.get("command");
    if (cmdNode == null || !cmdNode.isArray() || cmdNode.isEmpty()) {
      throw new EvidenceFormatException("predicate.command must be a non-empty array of strings");
    }
    List<String> command = new ArrayList<>();
    for (JsonNode c : cmdNode) {
      if (!c.isTextual()) {
        throw new EvidenceFormatException("predicate.command must hold strings only");
      }
      command.add(c.textValue());
    }
    JsonNode tested = p.get("keys_tested");
    if (tested == null || !tested.isArray()) {
      throw new EvidenceFormatException("predicate.keys_tested must be an array");
    }
    List<KeyCommitment> keysTested = new ArrayList<>();
    for (int i = 0; i < tested.size(); i++) {
      keysTested.add(key(tested.get(i), "predicate.keys_tested[" + i + "]"));
    }
    JsonNode sw = p.get("software");
    object(sw, "predicate.software", Set.of("name", "version"));
    if (!SOFTWARE.equals(text(sw, "name", "predicate.software"))) {
      throw new EvidenceFormatException("predicate.software.name is not " + SOFTWARE);
    }
    Instant time;
    String t = text(p, "time", "predicate");
    try {
      time = Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new EvidenceFormatException("predicate.time is not an RFC 3339 UTC time");
    }
    try {
      return new EvidenceStatement(
          subjects,
          kind,
          text(p, "method", "predicate"),
          command,
          key(p.get("key"), "predicate.key"),
          keysTested,
          objectNode(p, "dedup"),
          objectNode(p, "result"),
          text(sw, "version", "predicate.software"),
          time);
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException("statement: " + e.getMessage());
    }
  }

  private static KeyCommitment key(JsonNode n, String at) throws EvidenceFormatException {
    object(n, at, KEY);
    JsonNode params = n.get("parameters");
    if (params == null || !params.isObject()) {
      throw new EvidenceFormatException(at + ".parameters must be an object");
    }
    try {
      return new KeyCommitment(
          text(n, "key_id", at),
          text(n, "scheme", at),
          (ObjectNode) params,
          text(n, "commitment", at));
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException(at + ": " + e.getMessage());
    }
  }

  private static ObjectNode objectNode(JsonNode p, String field) throws EvidenceFormatException {
    JsonNode v = p.get(field);
    if (v == null || !v.isObject()) {
      throw new EvidenceFormatException("predicate." + field + " must be an object");
    }
    return (ObjectNode) v;
  }

  private static void object(JsonNode n, String at, Set<String> allowed)
      throws EvidenceFormatException {
    if (n == null || !n.isObject()) {
      throw new EvidenceFormatException(at + " must be a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new EvidenceFormatException(at + " has unknown member '" + clip(f) + "'");
      }
    }
    for (String f : allowed) {
      if (!n.has(f)) {
        throw new EvidenceFormatException(at + " lacks member '" + f + "'");
      }
    }
  }

  private static String text(JsonNode n, String field, String at) throws EvidenceFormatException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new EvidenceFormatException(at + "." + field + " must be a string");
    }
    return v.textValue();
  }

  public static String clip(String s) {
    String c = s.length() > 60 ? s.substring(0, 60) + "…" : s;
    return c.replaceAll("\\p{Cntrl}", "?");
  }

  /** A builder; {@code time} defaults to now and {@code keysTested} to {@code key} alone. */
  public static Builder builder(EvidenceKind kind) {
    return new Builder(kind);
  }

  /** Builds an {@link EvidenceStatement}. */
  public static final class Builder {
    private final EvidenceKind kind;
    private final List<Subject> subjects = new ArrayList<>();
    private String method;
    private List<String> command = List.of();
    private KeyCommitment key;
    private List<KeyCommitment> keysTested;
    private ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    private ObjectNode result;
    private String version = "unknown";
    private Instant time;

    private Builder(EvidenceKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Builder subject(Subject s) {
      subjects.add(Objects.requireNonNull(s));
      return this;
    }

    public Builder subjects(List<Subject> s) {
      subjects.addAll(s);
      return this;
    }

    public Builder method(String m) {
      this.method = m;
      return this;
    }

    public Builder command(List<String> c) {
      this.command = List.copyOf(c);
      return this;
    }

    public Builder key(KeyCommitment k) {
      this.key = k;
      return this;
    }

    public Builder keysTested(List<KeyCommitment> k) {
      this.keysTested = List.copyOf(k);
      return this;
    }

    public Builder dedup(ObjectNode d) {
      this.dedup = d;
      return this;
    }

    public Builder result(ObjectNode r) {
      this.result = r;
      return this;
    }

    public Builder softwareVersion(String v) {
      this.version = v;
      return this;
    }

    public Builder time(Instant t) {
      this.time = t;
      return this;
    }

    public EvidenceStatement build() {
      return new EvidenceStatement(
          subjects,
          kind,
          method,
          command,
          key,
          keysTested == null ? (key == null ? List.of() : List.of(key)) : keysTested,
          dedup,
          result,
          version,
          time == null ? Instant.now() : time);
    }
  }
}
