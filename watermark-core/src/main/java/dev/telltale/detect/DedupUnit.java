package dev.telltale.detect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.scheme.VllmSbwParameters;
import dev.telltale.scheme.WatermarkParameters;
import java.util.List;

/**
 * What a test counts once, by the key's scheme and the test's scope, and the {@code dedup} block of
 * a finding's statement that records it ({@link #block}): the CLI (either scan engine) and the
 * service build their statements with it, so all say the same of the same keys.
 */
public final class DedupUnit {
  /** Telltale's own schemes: a (context window, token) tuple. */
  public static final String CONTEXT_AND_TOKEN = "context window and token";

  /** Over what one dedup tape runs ({@code dedup.scope}). */
  public enum Scope {
    /** A detection: one text or one list of ids. */
    TEXT("text"),
    /** A corpus scan's pooled test: each document's tape, then one set over the corpus. */
    CORPUS("corpus"),
    /** A radioactivity test: one tape over all answers. */
    RUN("run"),
    /** An attribution: one tape per document. */
    DOCUMENT("document");

    private final String label;

    Scope(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private DedupUnit() {}

  /** The unit of a detection with a key of these parameters. */
  public static String of(WatermarkParameters p) {
    return of(p, Scope.TEXT);
  }

  /**
   * The unit of a test of {@code scope} with a key of these parameters. vLLM's Gumbel schemes and
   * red-green skip a repeated context within a text (vLLM's rule, when the key's detection dedup is
   * on), while the pooled sets of a scan and of a radioactivity run hold (context, token)
   * fingerprints ({@link VllmFingerprints}); SBW counts (effective seed, token) pairs everywhere.
   */
  public static String of(WatermarkParameters p, Scope scope) {
    if (p instanceof VllmSbwParameters) {
      return "effective seed and token (vLLM sbw)";
    }
    if (p instanceof VllmParameters v) {
      String scheme = " (vLLM " + v.algorithm() + ")";
      if (!v.detectionDedup() || scope == Scope.RUN) {
        return "context and token" + scheme;
      }
      return switch (scope) {
        case CORPUS -> "context within a document, context and token across documents" + scheme;
        default -> "context" + scheme;
      };
    }
    return CONTEXT_AND_TOKEN;
  }

  /**
   * The {@code dedup} block of a statement: {@code enabled}, {@code scope}, {@code unit} (the unit
   * of {@code key}, the key the statement names) and {@code units}, one {@code {key_id, unit}} per
   * key tested, in the order of {@code keys_tested}.
   */
  public static ObjectNode block(
      Scope scope, boolean enabled, WatermarkKey key, List<WatermarkKey> tested) {
    ObjectNode dedup = JsonNodeFactory.instance.objectNode();
    dedup.put("enabled", enabled);
    dedup.put("scope", scope.label());
    dedup.put("unit", of(key.parameters(), scope));
    ArrayNode units = dedup.putArray("units");
    for (WatermarkKey k : tested) {
      units.addObject().put("key_id", k.id().value()).put("unit", of(k.parameters(), scope));
    }
    return dedup;
  }
}
