package dev.telltale.key;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.prf.Philox4x32;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Iterator;
import java.util.OptionalInt;
import java.util.Set;

/**
 * vLLM's watermarking configuration ({@code watermark_config}: {@code algorithm}, {@code alpha},
 * {@code context_width}, {@code deduplicate_contexts}, {@code deduplicate_contexts_max_history},
 * {@code prf}, {@code allow_target_only_watermarking}, {@code sbw_*}) plus the key, read strictly:
 * an unknown field, algorithm or PRF, or a key outside 0..2^64-1 is an error naming the problem,
 * never the key. Also the form a key file stores vLLM keys in.
 */
public final class VllmConfig {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
  private static final BigInteger MAX_KEY = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** The configuration fields this reader knows (besides {@code key}). */
  static final Set<String> CONFIG_FIELDS =
      Set.of(
          "algorithm",
          "alpha",
          "detection_alpha",
          "context_width",
          "deduplicate_contexts",
          "deduplicate_contexts_max_history",
          "detection_deduplicate_contexts",
          "prf",
          "prf_version",
          "allow_target_only_watermarking",
          "sbw_scheme",
          "sbw_gamma",
          "sbw_delta",
          "gamma",
          "delta");

  private VllmConfig() {}

  /** A parsed configuration: the scheme parameters and vLLM's unsigned 64-bit key. */
  public record Imported(VllmParameters parameters, long key) {
    @Override
    public String toString() {
      return "Imported[" + parameters + ", key=<redacted>]";
    }

    /** The watermark key {@code id} holding this configuration. */
    public WatermarkKey toKey(KeyId id, Instant created) {
      return WatermarkKey.ofVllm(id, parameters, key, created);
    }
  }

  /** Parses a configuration file's bytes; {@code source} names it in errors. */
  public static Imported parse(byte[] json, String source) throws KeyFileException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new KeyFileException(
          "vLLM config '"
              + source
              + "' is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ")");
    } catch (IOException e) {
      throw new KeyFileException("vLLM config '" + source + "' cannot be parsed", e);
    }
    if (root == null || !root.isObject()) {
      throw new KeyFileException("vLLM config '" + source + "' must hold a JSON object");
    }
    String at = "vLLM config '" + source + "'";
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("key") && !CONFIG_FIELDS.contains(f)) {
        throw new KeyFileException(at + " has unknown field '" + KeySetFile.clip(f) + "'");
      }
    }
    if (!root.has("key")) {
      throw new KeyFileException(at + " needs 'key' (vLLM's unsigned 64-bit key)");
    }
    long key = key(root.get("key"), at);
    return new Imported(parameters(root, at), key);
  }

  /** The scheme parameters of the configuration fields of {@code node}. */
  static VllmParameters parameters(JsonNode node, String at) throws KeyFileException {
    String algorithm = text(node, "algorithm", at);
    String prf = text(node, "prf", at);
    if (!VllmParameters.PRF.equals(prf)) {
      throw new KeyFileException(
          at
              + " has prf '"
              + KeySetFile.clip(prf)
              + "'; only 'philox' ("
              + Philox4x32.VERSION
              + ") is implemented");
    }
    if (node.has("prf_version") && !Philox4x32.VERSION.equals(node.get("prf_version").asText())) {
      throw new KeyFileException(
          at
              + " has prf_version '"
              + KeySetFile.clip(node.get("prf_version").asText())
              + "'; this build implements "
              + Philox4x32.VERSION);
    }
    if (node.has("allow_target_only_watermarking")
        && !node.get("allow_target_only_watermarking").isBoolean()) {
      throw new KeyFileException(at + " has a non-boolean 'allow_target_only_watermarking'");
    }
    int cw = integer(node, "context_width", at);
    VllmDedup dedup;
    try {
      dedup = VllmDedup.ofConfigName(text(node, "deduplicate_contexts", at));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(at + ": " + e.getMessage());
    }
    OptionalInt maxHistory = OptionalInt.empty();
    JsonNode mh = node.get("deduplicate_contexts_max_history");
    if (mh != null && !mh.isNull()) {
      maxHistory = OptionalInt.of(integer(node, "deduplicate_contexts_max_history", at));
    }
    boolean detectionDedup = true;
    if (node.has("detection_deduplicate_contexts")) {
      JsonNode d = node.get("detection_deduplicate_contexts");
      if (!d.isBoolean()) {
        throw new KeyFileException(at + " has a non-boolean 'detection_deduplicate_contexts'");
      }
      detectionDedup = d.booleanValue();
    }
    String sbwScheme = node.has("sbw_scheme") ? text(node, "sbw_scheme", at) : "selfhash";
    if (!sbwScheme.equals("selfhash") && !sbwScheme.equals("lefthash")) {
      throw new KeyFileException(
          at + " has unknown sbw_scheme '" + KeySetFile.clip(sbwScheme) + "'");
    }
    try {
      switch (algorithm) {
        case "gumbel":
          return new VllmGumbelParameters(cw, dedup, maxHistory, detectionDedup);
        case "dual_key_gumbel":
          {
            double alpha = number(node, "alpha", at);
            double detAlpha =
                node.has("detection_alpha") ? number(node, "detection_alpha", at) : alpha;
            return new VllmDualKeyGumbelParameters(
                cw, dedup, maxHistory, detectionDedup, alpha, detAlpha);
          }
        case "sbw":
          return new VllmSbwParameters(
              cw,
              dedup,
              maxHistory,
              detectionDedup,
              node.has("sbw_gamma") ? number(node, "sbw_gamma", at) : 0.5,
              node.has("sbw_delta") ? number(node, "sbw_delta", at) : 2.0,
              sbwScheme);
        case "red_green":
          return new VllmRedGreenParameters(
              cw,
              dedup,
              maxHistory,
              detectionDedup,
              node.has("gamma") ? number(node, "gamma", at) : 0.25,
              node.has("delta") ? number(node, "delta", at) : 2.0);
        case "synthid":
          throw new KeyFileException(
              at + " uses algorithm '" + algorithm + "', which Telltale does not implement yet");
        default:
          throw new KeyFileException(
              at
                  + " has unknown algorithm '"
                  + KeySetFile.clip(algorithm)
                  + "' (expected gumbel, dual_key_gumbel, sbw or red_green)");
      }
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(at + ": " + e.getMessage());
    }
  }

  /** Writes the configuration fields of {@code p} into {@code n} (the inverse of parameters). */
  static void write(ObjectNode n, VllmParameters p) {
    n.put("algorithm", p.algorithm());
    n.put("prf", VllmParameters.PRF);
    n.put("prf_version", p.prfVersion());
    n.put("context_width", p.contextWidth());
    n.put("deduplicate_contexts", p.generationDedup().configName());
    if (p.maxHistory().isPresent()) {
      n.put("deduplicate_contexts_max_history", p.maxHistory().getAsInt());
    } else {
      n.putNull("deduplicate_contexts_max_history");
    }
    n.put("detection_deduplicate_contexts", p.detectionDedup());
    if (p instanceof VllmDualKeyGumbelParameters d) {
      n.put("alpha", d.generationAlpha());
      n.put("detection_alpha", d.detectionAlpha());
    } else if (p instanceof VllmRedGreenParameters rg) {
      n.put("gamma", rg.gamma());
      n.put("delta", rg.delta());
    } else if (p instanceof VllmSbwParameters s) {
      n.put("sbw_scheme", s.sbwScheme());
      n.put("sbw_gamma", s.gamma());
      n.put("sbw_delta", s.delta());
    }
  }

  /**
   * The vLLM profile of {@code p} as JSON (algorithm, PRF and its version, context width,
   * deduplication, alphas, SBW settings): what a key file, {@code keys list} and evidence record.
   */
  public static ObjectNode profileJson(VllmParameters p) {
    ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    write(n, p);
    return n;
  }

  /** vLLM's key: a JSON integer or a decimal string in 0..2^64-1. */
  static long key(JsonNode k, String at) throws KeyFileException {
    BigInteger v;
    if (k.isIntegralNumber()) {
      v = k.bigIntegerValue();
    } else if (k.isTextual() && k.asText().matches("[0-9]{1,20}")) {
      v = new BigInteger(k.asText());
    } else {
      throw new KeyFileException(
          at + " has a 'key' that is not an unsigned integer (a JSON number or a decimal string)");
    }
    if (v.signum() < 0 || v.compareTo(MAX_KEY) > 0) {
      throw new KeyFileException(at + " has a 'key' outside 0..18446744073709551615");
    }
    return v.longValue();
  }

  private static String text(JsonNode node, String field, String at) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new KeyFileException(at + " needs a string '" + field + "'");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String field, String at) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new KeyFileException(at + " needs an integer '" + field + "'");
    }
    return v.intValue();
  }

  private static double number(JsonNode node, String field, String at) throws KeyFileException {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new KeyFileException(at + " needs a number '" + field + "'");
    }
    return v.doubleValue();
  }
}
