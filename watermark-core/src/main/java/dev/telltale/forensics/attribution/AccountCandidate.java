package dev.telltale.forensics.attribution;

import dev.telltale.stats.TailProbability;

/**
 * One candidate account of a payload decoding.
 *
 * @param account the account id
 * @param matches votes for the account's colour, summed over positions
 * @param candidateP exact p-value for this account named in advance (largest per-position binomial
 *     tail)
 * @param correctedP {@code candidateP} corrected over the payload space, valid for an account
 *     chosen from the votes
 */
public record AccountCandidate(
    long account, long matches, TailProbability candidateP, TailProbability correctedP) {}
