package dev.telltale.forensics.attribution;

import dev.telltale.detect.DedupTape;
import dev.telltale.detect.Detection;
import dev.telltale.detect.Detector;
import dev.telltale.detect.ExactTape;
import dev.telltale.detect.Verdict;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.PayloadPrf;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.stats.Combine;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Names the account whose payload a text carries. Per document: the zero-bit test of the key runs
 * first (the exact {@link Detector} p-value at the policy's alpha) and nothing is decoded unless it
 * passes; then every deduplicated green (window, token) tuple votes for its payload colour at the
 * symbol position its window carries, and the account is decoded position by position, with the
 * p-values of {@link PayloadVotes}. Immutable and thread-safe.
 */
public final class Attribution {
  private final Detector detector;
  private final WatermarkPrf prf;
  private final PayloadPrf payload;
  private final AttributionPolicy policy;
  private final int h;
  // The robust-context class of the key's tokenizer, or null for ordinary keys.
  private final ContextSkip skip;

  private Attribution(
      WatermarkKey key, PayloadParameters parameters, Tokenizer tokenizer, AttributionPolicy p) {
    if (!(key.parameters() instanceof GreenListParameters)) {
      throw new IllegalArgumentException(
          "attribution needs a green-list (kgw) key, not " + key.parameters().schemeName());
    }
    this.policy = Objects.requireNonNull(p, "policy");
    this.detector = Detector.of(key, tokenizer, p.detection());
    this.prf = WatermarkPrf.of(key);
    this.payload = PayloadPrf.of(key, parameters);
    this.h = key.parameters().contextWidth();
    this.skip = key.parameters().robustContext() ? ContextSkip.of(tokenizer) : null;
  }

  /** Attribution with the payload parameters the key carries. */
  public static Attribution of(WatermarkKey key, Tokenizer tokenizer, AttributionPolicy policy) {
    PayloadParameters p =
        key.parameters() instanceof GreenListParameters g ? g.payload().orElse(null) : null;
    if (p == null) {
      throw new IllegalArgumentException("key '" + key.id() + "' has no account payload");
    }
    return new Attribution(key, p, tokenizer, policy);
  }

  /** Attribution with explicit payload parameters. */
  public static Attribution of(
      WatermarkKey key, PayloadParameters payload, Tokenizer tokenizer, AttributionPolicy policy) {
    return new Attribution(key, Objects.requireNonNull(payload, "payload"), tokenizer, policy);
  }

  public AttributionPolicy policy() {
    return policy;
  }

  public PayloadParameters payloadParameters() {
    return payload.parameters();
  }

  public Tokenizer tokenizer() {
    return detector.tokenizer();
  }

  /** Normalizes and tokenizes {@code text} like {@link Detector#detectText}, then attributes. */
  public DocumentAttribution attributeText(String text) {
    int[] ids = detector.tokenizer().encode(DetectionNormalizer.normalize(text));
    return attributeTokens(ids, 0, ids.length);
  }

  /** Attributes {@code ids[off .. off+len)}. */
  public DocumentAttribution attributeTokens(int[] ids, int off, int len) {
    Detection zeroBit = detector.detectTokens(ids, off, len);
    if (zeroBit.verdict() != Verdict.WATERMARKED) {
      return new DocumentAttribution(
          zeroBit, DocumentAttribution.Outcome.NOT_WATERMARKED, 0, Optional.empty(), List.of());
    }
    PayloadVotes votes = votes(ids, off, len);
    long account = votes.decode();
    AccountCandidate decoded =
        new AccountCandidate(
            account, votes.matches(account), votes.candidateP(account), votes.correctedP(account));
    boolean named = decoded.correctedP().log10PValue() <= Math.log10(policy.alpha());
    List<AccountCandidate> candidates = votes.topCandidates(policy.candidates());
    if (named) {
      Optional<List<AccountCandidate>> mixed =
          MixedSources.check(this, votes, account, ids, off, len);
      if (mixed.isPresent()) {
        return new DocumentAttribution(
            zeroBit,
            DocumentAttribution.Outcome.MIXED_SOURCES,
            votes.votes(),
            Optional.of(decoded),
            merge(mixed.get(), candidates));
      }
    }
    return new DocumentAttribution(
        zeroBit,
        named ? DocumentAttribution.Outcome.ATTRIBUTED : DocumentAttribution.Outcome.INCONCLUSIVE,
        votes.votes(),
        Optional.of(decoded),
        candidates);
  }

  private static List<AccountCandidate> merge(
      List<AccountCandidate> first, List<AccountCandidate> then) {
    Map<Long, AccountCandidate> out = new LinkedHashMap<>();
    for (AccountCandidate c : first) {
      out.putIfAbsent(c.account(), c);
    }
    for (AccountCandidate c : then) {
      out.putIfAbsent(c.account(), c);
    }
    return List.copyOf(out.values());
  }

  /** The zero-bit test of {@code ids[off .. off+len)} alone (for the mixed-source check). */
  Detection zeroBit(int[] ids, int off, int len) {
    return detector.detectTokens(ids, off, len);
  }

  /**
   * The payload votes of {@code ids[off .. off+len)} without the zero-bit gate (for measurement and
   * reports; decisions go through {@link #attributeTokens}). Tuples are deduplicated by the same
   * keyed fingerprint as detection.
   */
  public PayloadVotes votes(int[] ids, int off, int len) {
    PayloadParameters pp = payload.parameters();
    long[] counts = new long[pp.positions() * pp.colours()];
    long scored = tally(ids, off, len, new ExactTape(Math.max(16, len)), counts);
    return new PayloadVotes(pp, counts, scored);
  }

  /**
   * Votes pooled over documents with one deduplication tape, for a group formed without looking at
   * the payload (e.g. everything harvested through one channel): the per-candidate p-values stay
   * valid because each tuple votes once. Grouping documents by their decoded account and pooling
   * them would not be.
   */
  public PayloadVotes pooledVotes(List<int[]> documents) {
    PayloadParameters pp = payload.parameters();
    long[] counts = new long[pp.positions() * pp.colours()];
    int total = 0;
    for (int[] d : documents) {
      total += d.length;
    }
    ExactTape tape = new ExactTape(Math.max(16, total));
    long scored = 0;
    for (int[] d : documents) {
      scored += tally(d, 0, d.length, tape, counts);
    }
    return new PayloadVotes(pp, counts, scored);
  }

  // Adds the votes of ids[off .. off+len) to counts; returns the tuples scored. No allocation
  // per token (a robust-context key drops its skipped class first, as detection does).
  private long tally(int[] ids, int off, int len, DedupTape tape, long[] counts) {
    if (off < 0 || len < 0 || off + len > ids.length) {
      throw new IndexOutOfBoundsException("token range out of bounds");
    }
    if (skip != null) {
      int[] kept = new int[len];
      len = skip.filter(ids, off, len, kept);
      ids = kept;
      off = 0;
    }
    boolean selfHash = prf.selfHash();
    int colours = payload.parameters().colours();
    long scored = 0;
    for (int i = off + h; i < off + len; i++) {
      int token = ids[i];
      long seed = selfHash ? prf.selfHashSeed(ids, i, token) : prf.contextSeed(ids, i);
      long u = prf.tokenBits(seed, token);
      if (!tape.firstSeen(u)) {
        continue;
      }
      scored++;
      if (prf.isGreenBits(u)) {
        long ps = payload.seed(ids, i);
        counts[payload.position(ps) * colours + payload.colour(ps, token)]++;
      }
    }
    return scored;
  }

  /** Attributes each text and combines them with {@link #combine}. */
  public CorpusAttribution attributeTexts(List<String> texts) {
    List<DocumentAttribution> docs = new ArrayList<>(texts.size());
    for (String t : texts) {
      docs.add(attributeText(t));
    }
    return combine(docs, policy.alpha());
  }

  /**
   * Combines per-document attributions: Holm over all documents' corrected p-values (documents not
   * decoded count with p = 1), then each account is named with the smallest adjusted p-value among
   * the documents that decode to it, when that is at most {@code alpha}.
   */
  public static CorpusAttribution combine(List<DocumentAttribution> docs, double alpha) {
    TailProbability[] raw =
        docs.stream().map(DocumentAttribution::correctedP).toArray(TailProbability[]::new);
    TailProbability[] adjusted = raw.length == 0 ? raw : Combine.holm(raw);
    double level = Math.log10(alpha);
    Map<Long, List<TailProbability>> byAccount = new LinkedHashMap<>();
    for (int i = 0; i < raw.length; i++) {
      Optional<AccountCandidate> d = docs.get(i).decoded();
      boolean mixed = docs.get(i).outcome() == DocumentAttribution.Outcome.MIXED_SOURCES;
      if (d.isPresent() && !mixed && adjusted[i].log10PValue() <= level) {
        byAccount.computeIfAbsent(d.get().account(), a -> new ArrayList<>()).add(adjusted[i]);
      }
    }
    List<CorpusAttribution.AccountFinding> findings = new ArrayList<>();
    byAccount.forEach(
        (account, ps) ->
            findings.add(
                new CorpusAttribution.AccountFinding(
                    account,
                    ps.size(),
                    ps.stream()
                        .min(Comparator.comparingDouble(TailProbability::log10PValue))
                        .orElseThrow())));
    findings.sort(
        Comparator.comparingDouble((CorpusAttribution.AccountFinding f) -> f.pValue().log10PValue())
            .thenComparingLong(CorpusAttribution.AccountFinding::account));
    return new CorpusAttribution(docs, List.of(adjusted), findings, alpha);
  }
}
