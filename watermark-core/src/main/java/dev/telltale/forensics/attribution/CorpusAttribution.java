package dev.telltale.forensics.attribution;

import dev.telltale.stats.TailProbability;
import java.util.List;

/**
 * Attribution over a set of documents, which may mix several accounts: each document is decoded on
 * its own, the documents' corrected p-values are adjusted by Holm over the number of documents, and
 * an account is named when one of its documents passes at the attribution level, so the chance of
 * naming any wrong account in the whole set stays at most alpha.
 *
 * @param documents per-document attributions, in input order
 * @param holmAdjusted each document's Holm-adjusted corrected p-value, same order
 * @param accounts named accounts, most significant first
 * @param alpha the attribution level
 */
public record CorpusAttribution(
    List<DocumentAttribution> documents,
    List<TailProbability> holmAdjusted,
    List<AccountFinding> accounts,
    double alpha) {

  public CorpusAttribution {
    documents = List.copyOf(documents);
    holmAdjusted = List.copyOf(holmAdjusted);
    accounts = List.copyOf(accounts);
  }

  /**
   * An account named in a document set.
   *
   * @param account the account id
   * @param documents documents attributed to it after the Holm adjustment
   * @param pValue the smallest Holm-adjusted corrected p-value among them
   */
  public record AccountFinding(long account, int documents, TailProbability pValue) {}
}
