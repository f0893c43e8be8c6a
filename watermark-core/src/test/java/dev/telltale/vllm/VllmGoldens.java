package dev.telltale.vllm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.key.KeyId;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmDedup;
import dev.telltale.scheme.VllmDualKeyGumbelParameters;
import dev.telltale.scheme.VllmGumbelParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmRedGreenParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.VllmSynthIdParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** vLLM's frozen watermarking goldens (test resource {@code vllm/watermarking_goldens.json}). */
public final class VllmGoldens {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VllmGoldens() {}

  /** One golden candidate. */
  public record Candidate(String name, JsonNode node) {
    public JsonNode config() {
      return node.get("configuration");
    }

    JsonNode schemeConfig() {
      return config().get("scheme_config");
    }

    public String scheme() {
      return config().get("scheme").asText();
    }

    public long key() {
      return Long.parseUnsignedLong(config().get("key").asText());
    }

    public long detectionKey() {
      return Long.parseUnsignedLong(config().get("detection_key").asText());
    }

    public double threshold() {
      return schemeConfig().get("p_value_threshold").asDouble();
    }

    public VllmParameters parameters() {
      JsonNode c = schemeConfig();
      int cw = c.get("context_width").asInt();
      VllmDedup dedup = VllmDedup.ofConfigName(c.get("generation_deduplicate_contexts").asText());
      JsonNode mh = c.get("generation_deduplicate_contexts_max_history");
      OptionalInt max = mh.isNull() ? OptionalInt.empty() : OptionalInt.of(mh.asInt());
      boolean det = c.get("detection_deduplicate_contexts").asBoolean();
      JsonNode wc = node.get("resolved").get("watermark_config");
      return switch (scheme()) {
        case "gumbel" -> new VllmGumbelParameters(cw, dedup, max, det);
        case "dual_key_gumbel" ->
            new VllmDualKeyGumbelParameters(
                cw,
                dedup,
                max,
                det,
                c.get("generation_alpha").asDouble(),
                c.get("detection_alpha").asDouble());
        case "red_green" ->
            new VllmRedGreenParameters(
                cw, dedup, max, det, c.get("gamma").asDouble(), c.get("delta").asDouble());
        case "sbw" ->
            new VllmSbwParameters(
                cw,
                dedup,
                max,
                det,
                wc.get("sbw_gamma").asDouble(),
                wc.get("sbw_delta").asDouble());
        case "synthid" -> new VllmSynthIdParameters(cw, dedup, max, det, c.get("depth").asInt());
        default -> throw new IllegalStateException("unknown scheme " + scheme());
      };
    }

    /** The parameters with the detection alpha also used for generation (dual-key detection). */
    public VllmParameters detectionParameters() {
      VllmParameters p = parameters();
      return p;
    }

    public WatermarkKey generationKey() {
      return WatermarkKey.ofVllm(
          KeyId.of("vllm-gen"), parameters(), key(), Instant.parse("2026-01-01T00:00:00Z"));
    }

    public WatermarkKey detectionKeyObject() {
      return WatermarkKey.ofVllm(
          KeyId.of("vllm-det"),
          parameters(),
          detectionKey(),
          Instant.parse("2026-01-01T00:00:00Z"));
    }

    public JsonNode fixture() {
      return config().get("fixture");
    }

    public int[] prompt() {
      return ints(fixture().get("prompt"));
    }

    public int[] generation() {
      return ints(node.get("generation"));
    }

    public JsonNode trace() {
      return node.get("trace");
    }

    public JsonNode detection() {
      return node.get("detection");
    }

    /** The fixture's float32 logits of step {@code p} (prompt tokens do not count). */
    public float[] logits(int p) {
      JsonNode f = fixture();
      int vocab = f.get("vocabulary_size").asInt();
      int mod = f.get("logit_modulus").asInt();
      float den = (float) f.get("logit_denominator").asDouble();
      JsonNode dom = f.get("dominant_token");
      int bias = f.get("dominant_bias").asInt();
      float[] l = new float[vocab];
      for (int t = 0; t < vocab; t++) {
        long v = ((37L * t + 17L * p) % mod) - 56;
        if (!dom.isNull() && t == dom.asInt()) {
          v += bias;
        }
        l[t] = (float) v / den;
      }
      return l;
    }

    public int numTokens() {
      return fixture().get("num_tokens").asInt();
    }
  }

  static int[] ints(JsonNode a) {
    int[] r = new int[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i).asInt();
    }
    return r;
  }

  /** The 27 candidates of vLLM's goldens at commit 01c268bc. */
  public static List<Candidate> all() {
    return all("/vllm/watermarking_goldens.json");
  }

  /** The red_green candidates of vLLM's goldens at commit 381f9454. */
  public static List<Candidate> redGreen() {
    return all("/vllm/watermarking_goldens_381f9454_red_green.json");
  }

  /** The synthid candidates of vLLM's goldens at commit 0265d6bd. */
  public static List<Candidate> synthId() {
    return all("/vllm/watermarking_goldens_0265d6bd_synthid.json");
  }

  static List<Candidate> all(String resource) {
    try (InputStream in = VllmGoldens.class.getResourceAsStream(resource)) {
      JsonNode root = MAPPER.readTree(in);
      List<Candidate> out = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.get("candidates").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.add(new Candidate(e.getKey(), e.getValue()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** vLLM's routing uniforms: {@code round(((i+1)(sqrt 5 - 1)/2) mod 1, 4)} for i mod 64. */
  public static double routingUniform(int i) {
    double x = ((i % 64) + 1) * (Math.sqrt(5) - 1) / 2;
    x = x - Math.floor(x);
    return Math.round(x * 10000.0) / 10000.0;
  }
}
