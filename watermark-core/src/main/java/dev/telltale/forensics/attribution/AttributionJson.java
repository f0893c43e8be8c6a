package dev.telltale.forensics.attribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.stats.TailProbability;
import java.util.List;

/**
 * The one JSON form of an attribution, shared by {@code telltale attribute --json} and the verifier
 * service's {@code POST /v1/attribution}, so both report the same fields under the same names.
 */
public final class AttributionJson {
  /** How the decoded account's p-value is corrected, stated in every answer. */
  public static final String CORRECTION =
      "largest per-position binomial tail, Bonferroni over positions x colours; no account is"
          + " named when the text carries more than one account's payload (mixed_sources)";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AttributionJson() {}

  /**
   * The object for {@code corpus} attributed by {@code run}; {@code names} are the documents' names
   * (file paths, {@code -} for stdin, or the ids a client gave), one per document.
   */
  public static ObjectNode of(KeySetAttribution run, List<String> names, CorpusAttribution corpus) {
    if (names.size() != corpus.documents().size()) {
      throw new IllegalArgumentException(
          names.size() + " names for " + corpus.documents().size() + " documents");
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("tokenizer", run.tokenizer().name());
    run.tokenizer().fileSha256().ifPresent(sha -> o.put("tokenizer_sha256", sha));
    o.put("alpha", run.alpha());
    o.put("detect_alpha", run.detectAlpha());
    o.put("correction", CORRECTION);
    ArrayNode docs = o.putArray("documents");
    for (int i = 0; i < names.size(); i++) {
      DocumentAttribution d = corpus.documents().get(i);
      ObjectNode n = docs.addObject();
      n.put("document", names.get(i));
      n.put("key_id", d.zeroBit().keyId().value());
      n.put("tokens", d.zeroBit().tokens());
      n.put("scored_tokens", d.zeroBit().scoredTokens());
      n.put("zero_bit_p_value", d.zeroBit().pValue());
      n.put("log10_zero_bit_p_value", d.zeroBit().log10PValue());
      n.put("outcome", d.outcome().label());
      n.put("votes", d.votes());
      if (d.account().isPresent()) {
        n.put("account", d.account().getAsLong());
      } else {
        n.putNull("account");
      }
      d.decoded()
          .ifPresent(
              a -> {
                n.put("decoded_account", a.account());
                putP(n, "corrected_p_value", a.correctedP());
              });
      n.put("holm_adjusted_p_value", corpus.holmAdjusted().get(i).pValue());
      ArrayNode cands = n.putArray("candidates");
      for (AccountCandidate a : d.candidates()) {
        ObjectNode cn = cands.addObject();
        cn.put("account", a.account());
        cn.put("matches", a.matches());
        putP(cn, "p_value", a.candidateP());
        putP(cn, "corrected_p_value", a.correctedP());
      }
    }
    ArrayNode accounts = o.putArray("accounts");
    for (CorpusAttribution.AccountFinding f : corpus.accounts()) {
      ObjectNode a = accounts.addObject();
      a.put("account", f.account());
      a.put("documents", f.documents());
      putP(a, "p_value", f.pValue());
    }
    return o;
  }

  private static void putP(ObjectNode n, String name, TailProbability p) {
    n.put(name, p.pValue());
    n.put("log10_" + name, p.log10PValue());
  }
}
