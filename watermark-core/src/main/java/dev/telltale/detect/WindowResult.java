package dev.telltale.detect;

import dev.telltale.stats.TailProbability;

/**
 * The most significant window of a detection: a run of consecutive scored tuples.
 *
 * @param startToken token position of the window's first scored tuple
 * @param endToken token position just after its last scored tuple
 * @param scoredTokens scored tuples in the window
 * @param score statistic inside the window (green count or Gumbel sum)
 * @param raw p-value of the window alone
 * @param corrected raw p-value times the number of windows tested (Bonferroni), capped at one
 * @param windowsTested windows compared, the whole text included
 */
public record WindowResult(
    int startToken,
    int endToken,
    long scoredTokens,
    double score,
    TailProbability raw,
    TailProbability corrected,
    long windowsTested) {}
