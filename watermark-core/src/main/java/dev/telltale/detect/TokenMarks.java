package dev.telltale.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.Tokenizer;

/**
 * Per-token marks for a heat-map: what each token contributed to one key's detection statistic.
 * Shared by {@code telltale detect --explain}, the verifier service and the HTML report, so the
 * shading always agrees with the counts the detection reports (same scorer, same dedup tape).
 */
public final class TokenMarks {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TokenMarks() {}

  /**
   * The {@code explain} object: {@code {"key_id", "scheme", "tokens": [{"text", "score"}]}} where
   * {@code score} is null where no tuple was scored (context or repeated tuple), else 1/0
   * (green/red) for green-list keys and {@code -ln(1 - r)} for Gumbel keys (mean 1 under the null).
   */
  public static ObjectNode explain(WatermarkKey key, Tokenizer tok, int[] ids) {
    ScoreTrace trace = new ScoreTrace();
    TupleScorer.of(key, tok)
        .score(
            ids,
            0,
            ids.length,
            new ExactTape(Math.max(16, ids.length)),
            new ScoreAccumulator(),
            trace);
    double[] score = new double[ids.length];
    boolean[] scored = new boolean[ids.length];
    for (int i = 0; i < trace.size(); i++) {
      scored[trace.position(i)] = true;
      score[trace.position(i)] = trace.value(i);
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key_id", key.id().value());
    o.put("scheme", key.parameters().schemeName());
    ArrayNode arr = o.putArray("tokens");
    for (int i = 0; i < ids.length; i++) {
      ObjectNode t = arr.addObject();
      t.put("text", tokenText(tok, ids, i));
      if (scored[i]) {
        t.put("score", score[i]);
      } else {
        t.putNull("score");
      }
    }
    return o;
  }

  private static String tokenText(Tokenizer tok, int[] ids, int i) {
    try {
      return tok.decode(ids, i, 1);
    } catch (RuntimeException e) {
      // An id outside the tokenizer's vocabulary: show the id rather than fail the detection.
      return "#" + ids[i];
    }
  }
}
